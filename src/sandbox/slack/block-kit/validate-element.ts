import { type BlockErrors, checkArray, checkString, checkText, isObject, type Json } from './block-errors.js';

/** Where an element sits decides which element types Slack allows there. */
export type ElementPlace = 'actions' | 'accessory' | 'input';

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons'];
const TEXT_INPUTS = [
  'plain_text_input',
  'email_text_input',
  'number_input',
  'url_text_input',
  'rich_text_input',
  'file_input',
];

const ALLOWED: Record<ElementPlace, Set<string>> = {
  actions: new Set(['button', 'overflow', ...SELECTS, ...PICKERS]),
  accessory: new Set(['button', 'overflow', 'image', ...SELECTS, ...PICKERS]),
  input: new Set([...SELECTS, ...PICKERS, ...TEXT_INPUTS]),
};

/** Validates one block element; returns its action_id when it has one. */
export function validateElement(
  errors: BlockErrors,
  element: unknown,
  pointer: string,
  place: ElementPlace,
): string | undefined {
  if (!isObject(element)) {
    errors.add(pointer, 'must be an object');
    return undefined;
  }
  const type = element.type;
  if (typeof type !== 'string' || !ALLOWED[place].has(type)) {
    errors.add(`${pointer}/type`, `unsupported type: ${String(type)}`);
    return undefined;
  }
  checkString(errors, element, 'action_id', pointer, { max: 255, min: 1 });
  if (type === 'button') validateButton(errors, element, pointer);
  else if (type === 'overflow') validateOptions(errors, element, pointer, { min: 1, max: 5, required: true });
  else if (type === 'image') validateImageElement(errors, element, pointer);
  else if (type === 'static_select' || type === 'multi_static_select')
    validateStaticSelect(errors, element, pointer);
  else if (type === 'checkboxes' || type === 'radio_buttons')
    validateOptions(errors, element, pointer, { min: 1, max: 10, required: true });
  else if (type === 'plain_text_input') validateTextInput(errors, element, pointer);
  else if (type === 'number_input') validateNumberInput(errors, element, pointer);
  else if (type === 'datepicker')
    checkPattern(errors, element, 'initial_date', pointer, /^\d{4}-\d{2}-\d{2}$/);
  else if (type === 'timepicker')
    checkPattern(errors, element, 'initial_time', pointer, /^([01]\d|2[0-3]):[0-5]\d$/);
  if (type === 'static_select' || type === 'radio_buttons') checkInitialOption(errors, element, pointer);
  if (element.placeholder !== undefined)
    checkText(errors, element.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });
  if (element.confirm !== undefined) validateConfirm(errors, element.confirm, `${pointer}/confirm`);
  return typeof element.action_id === 'string' ? element.action_id : undefined;
}

function validateButton(errors: BlockErrors, button: Json, pointer: string): void {
  if (button.text === undefined) errors.add(pointer, 'missing required field: text');
  else checkText(errors, button.text, `${pointer}/text`, { max: 75, plainOnly: true });
  checkString(errors, button, 'value', pointer, { max: 2000 });
  checkString(errors, button, 'url', pointer, { max: 3000 });
  if (button.style !== undefined && button.style !== 'primary' && button.style !== 'danger') {
    errors.add(`${pointer}/style`, 'must be one of `primary`, `danger`');
  }
}

function validateImageElement(errors: BlockErrors, image: Json, pointer: string): void {
  if (image.image_url === undefined && image.slack_file === undefined)
    errors.add(pointer, 'missing required field: image_url');
  checkString(errors, image, 'image_url', pointer, { max: 3000 });
  checkString(errors, image, 'alt_text', pointer, { required: true, max: 2000 });
}

function validateStaticSelect(errors: BlockErrors, select: Json, pointer: string): void {
  if (select.option_groups !== undefined) {
    const groups = checkArray(errors, select, 'option_groups', pointer, { min: 1, max: 100 }) ?? [];
    for (const [i, group] of groups.entries()) {
      const at = `${pointer}/option_groups/${i}`;
      if (!isObject(group)) {
        errors.add(at, 'must be an object');
        continue;
      }
      checkText(errors, group.label, `${at}/label`, { max: 75, plainOnly: true });
      validateOptions(errors, group, at, { min: 1, max: 100, required: true });
    }
    return;
  }
  validateOptions(errors, select, pointer, { min: 1, max: 100, required: true });
}

/** plain_text_input: lengths up to Slack's 3,000 characters, an initial value within them. */
function validateTextInput(errors: BlockErrors, input: Json, pointer: string): void {
  for (const key of ['min_length', 'max_length'] as const) {
    const n = input[key];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isInteger(n)) errors.add(`${pointer}/${key}`, 'must be an integer');
    else if (n < (key === 'max_length' ? 1 : 0) || n > 3000)
      errors.add(`${pointer}/${key}`, `must be between ${key === 'max_length' ? 1 : 0} and 3000`);
  }
  const max = typeof input.max_length === 'number' ? input.max_length : 3000;
  checkString(errors, input, 'initial_value', pointer, { max });
}

/** number_input: `is_decimal_allowed` is required; bounds and the initial value are numbers as strings. */
function validateNumberInput(errors: BlockErrors, input: Json, pointer: string): void {
  if (input.is_decimal_allowed === undefined)
    errors.add(pointer, 'missing required field: is_decimal_allowed');
  else if (typeof input.is_decimal_allowed !== 'boolean')
    errors.add(`${pointer}/is_decimal_allowed`, 'must be a boolean');
  for (const key of ['initial_value', 'min_value', 'max_value'])
    checkPattern(errors, input, key, pointer, /^-?\d+(\.\d+)?$/);
  const min = Number(input.min_value);
  const max = Number(input.max_value);
  if (input.min_value !== undefined && input.max_value !== undefined && min > max)
    errors.add(`${pointer}/min_value`, 'must be less than or equal to max_value');
}

function checkPattern(errors: BlockErrors, obj: Json, key: string, pointer: string, pattern: RegExp): void {
  const value = obj[key];
  if (value === undefined) return;
  if (typeof value !== 'string') errors.add(`${pointer}/${key}`, 'must be a string');
  else if (!pattern.test(value)) errors.add(`${pointer}/${key}`, `does not match the required format`);
}

/** Slack refuses an `initial_option` that is not one of the element's options. */
function checkInitialOption(errors: BlockErrors, element: Json, pointer: string): void {
  const initial = element.initial_option;
  if (initial === undefined) return;
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as unknown[]) : [];
  const options = [
    ...(Array.isArray(element.options) ? element.options : []),
    ...groups.flatMap((g) => (isObject(g) && Array.isArray(g.options) ? g.options : [])),
  ];
  const value = isObject(initial) ? initial.value : undefined;
  if (!options.some((o) => isObject(o) && o.value === value))
    errors.add(`${pointer}/initial_option`, 'must match one of the options');
}

function validateOptions(
  errors: BlockErrors,
  owner: Json,
  pointer: string,
  opts: { min: number; max: number; required: boolean },
): void {
  const options = checkArray(errors, owner, 'options', pointer, opts) ?? [];
  for (const [i, option] of options.entries()) {
    const at = `${pointer}/options/${i}`;
    if (!isObject(option)) {
      errors.add(at, 'must be an object');
      continue;
    }
    checkText(errors, option.text, `${at}/text`, { max: 75 });
    checkString(errors, option, 'value', at, { required: true, max: 150 });
  }
}

function validateConfirm(errors: BlockErrors, confirm: unknown, pointer: string): void {
  if (!isObject(confirm)) {
    errors.add(pointer, 'must be an object');
    return;
  }
  checkText(errors, confirm.title, `${pointer}/title`, { max: 100, plainOnly: true });
  checkText(errors, confirm.text, `${pointer}/text`, { max: 300 });
  checkText(errors, confirm.confirm, `${pointer}/confirm`, { max: 30, plainOnly: true });
  checkText(errors, confirm.deny, `${pointer}/deny`, { max: 30, plainOnly: true });
}
