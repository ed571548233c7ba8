import { BlockErrors, checkString, checkText, isObject } from './block-errors.js';
import { validateBlocks } from './validate-blocks.js';

/** Validates a view for views.open/update (`modal`) or views.publish (`home`). */
export function validateView(view: unknown, expected: 'modal' | 'home' | 'modal-or-home'): string[] {
  const errors = new BlockErrors();
  if (!isObject(view)) {
    errors.add('/view', 'must be an object');
    return errors.messages;
  }
  const allowed = expected === 'modal-or-home' ? ['modal', 'home'] : [expected];
  if (typeof view.type !== 'string' || !allowed.includes(view.type)) {
    errors.add('/view/type', `must be ${allowed.map((t) => `\`${t}\``).join(' or ')}`);
    return errors.messages;
  }
  if (view.type === 'modal') {
    if (view.title === undefined) errors.add('/view', 'missing required field: title');
    else checkText(errors, view.title, '/view/title', { max: 24, plainOnly: true });
    if (view.submit !== undefined)
      checkText(errors, view.submit, '/view/submit', { max: 24, plainOnly: true });
    if (view.close !== undefined) checkText(errors, view.close, '/view/close', { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      errors.add('/view', 'must provide `submit` when a view contains input blocks');
    }
  }
  checkString(errors, view, 'callback_id', '/view', { max: 255 });
  checkString(errors, view, 'private_metadata', '/view', { max: 3000 });
  checkString(errors, view, 'external_id', '/view', { max: 255 });
  if (view.blocks === undefined) errors.add('/view', 'missing required field: blocks');
  else errors.messages.push(...validateBlocks(view.blocks, view.type as 'modal' | 'home', '/view/blocks'));
  return errors.messages;
}
