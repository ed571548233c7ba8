import { BlockErrors, checkArray, checkString, checkText, isObject, type Json } from './block-errors.js';
import { validateElement } from './validate-element.js';

export type Surface = 'message' | 'modal' | 'home';

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

/**
 * Validates a `blocks` array like Slack does before accepting a message or view. Returns the
 * `[ERROR] … [json-pointer:…]` lines Slack puts in `response_metadata.messages`; empty when valid.
 */
export function validateBlocks(blocks: unknown, surface: Surface = 'message', pointer = '/blocks'): string[] {
  const errors = new BlockErrors();
  if (!Array.isArray(blocks)) {
    errors.add(pointer, 'must be an array');
    return errors.messages;
  }
  if (blocks.length > MAX_BLOCKS[surface]) {
    errors.add(pointer, `must be less than ${MAX_BLOCKS[surface] + 1} items`);
  }
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const at = `${pointer}/${i}`;
    if (!isObject(block)) {
      errors.add(at, 'must be an object');
      continue;
    }
    checkString(errors, block, 'block_id', at, { max: 255, min: 1 });
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) errors.add(`${at}/block_id`, `duplicate block_id: ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    validateBlock(errors, block, at);
  }
  return errors.messages;
}

type BlockValidator = (errors: BlockErrors, block: Json, at: string) => void;

const VALIDATORS: Record<string, BlockValidator> = {
  section: (errors, block, at) => validateSection(errors, block, at),
  header: (errors, block, at) => {
    if (block.text === undefined) errors.add(at, 'missing required field: text');
    else checkText(errors, block.text, `${at}/text`, { max: 150, plainOnly: true });
  },
  divider: () => {},
  context: (errors, block, at) => validateContext(errors, block, at),
  actions: (errors, block, at) => validateActions(errors, block, at),
  input: (errors, block, at) => validateInput(errors, block, at),
  rich_text: (errors, block, at) => {
    checkArray(errors, block, 'elements', at, { required: true, min: 1 });
  },
  image: (errors, block, at) => {
    if (block.image_url === undefined && block.slack_file === undefined)
      errors.add(at, 'missing required field: image_url');
    checkString(errors, block, 'alt_text', at, { required: true, max: 2000 });
    if (block.title !== undefined)
      checkText(errors, block.title, `${at}/title`, { max: 2000, plainOnly: true });
  },
};

function validateBlock(errors: BlockErrors, block: Json, at: string): void {
  const validator = typeof block.type === 'string' ? VALIDATORS[block.type] : undefined;
  if (validator) validator(errors, block, at);
  else errors.add(`${at}/type`, `unsupported type: ${String(block.type)}`);
}

function validateSection(errors: BlockErrors, block: Json, at: string): void {
  if (block.text === undefined && block.fields === undefined) {
    errors.add(at, 'must define either `text` or `fields`');
  }
  if (block.text !== undefined) checkText(errors, block.text, `${at}/text`, { max: 3000 });
  const fields = checkArray(errors, block, 'fields', at, { min: 1, max: 10 }) ?? [];
  fields.forEach((field, i) => {
    checkText(errors, field, `${at}/fields/${i}`, { max: 2000 });
  });
  if (block.accessory !== undefined) validateElement(errors, block.accessory, `${at}/accessory`, 'accessory');
}

function validateContext(errors: BlockErrors, block: Json, at: string): void {
  const elements = checkArray(errors, block, 'elements', at, { required: true, min: 1, max: 10 }) ?? [];
  elements.forEach((element, i) => {
    const ptr = `${at}/elements/${i}`;
    if (isObject(element) && element.type === 'image') {
      if (element.image_url === undefined && element.slack_file === undefined)
        errors.add(ptr, 'missing required field: image_url');
      checkString(errors, element, 'alt_text', ptr, { required: true, max: 2000 });
      return;
    }
    checkText(errors, element, ptr, { max: 3000 });
  });
}

function validateActions(errors: BlockErrors, block: Json, at: string): void {
  const elements = checkArray(errors, block, 'elements', at, { required: true, min: 1, max: 25 }) ?? [];
  const actionIds = new Set<string>();
  elements.forEach((element, i) => {
    const actionId = validateElement(errors, element, `${at}/elements/${i}`, 'actions');
    if (actionId === undefined) return;
    if (actionIds.has(actionId)) {
      errors.add(`${at}/elements/${i}/action_id`, `non-unique action_id: ${actionId}`);
    }
    actionIds.add(actionId);
  });
}

function validateInput(errors: BlockErrors, block: Json, at: string): void {
  if (block.label === undefined) errors.add(at, 'missing required field: label');
  else checkText(errors, block.label, `${at}/label`, { max: 2000, plainOnly: true });
  if (block.element === undefined) errors.add(at, 'missing required field: element');
  else validateElement(errors, block.element, `${at}/element`, 'input');
  if (block.hint !== undefined) checkText(errors, block.hint, `${at}/hint`, { max: 2000, plainOnly: true });
  if (block.optional !== undefined && typeof block.optional !== 'boolean') {
    errors.add(`${at}/optional`, 'must be a boolean');
  }
}
