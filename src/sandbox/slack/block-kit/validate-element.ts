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
