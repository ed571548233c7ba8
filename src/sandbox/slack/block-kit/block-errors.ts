/** Collects Block Kit problems in Slack's `response_metadata.messages` wording. */
export class BlockErrors {
  readonly messages: string[] = [];

  add(pointer: string, problem: string): void {
    this.messages.push(`[ERROR] ${problem} [json-pointer:${pointer}]`);
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a string field's presence and length the way Slack words it. */
export function checkString(
  errors: BlockErrors,
  obj: Json,
  key: string,
  pointer: string,
  opts: { required?: boolean; max?: number; min?: number },
): void {
  const value = obj[key];
  if (value === undefined) {
    if (opts.required) errors.add(pointer, `missing required field: ${key}`);
    return;
  }
  if (typeof value !== 'string') {
    errors.add(`${pointer}/${key}`, 'must be a string');
    return;
  }
  if (opts.min !== undefined && value.length < opts.min)
    errors.add(`${pointer}/${key}`, `must be more than ${opts.min - 1} characters`);
  if (opts.max !== undefined && value.length > opts.max)
    errors.add(`${pointer}/${key}`, `must be less than ${opts.max + 1} characters`);
}

/** A composition text object: `{ type: plain_text|mrkdwn, text }`. */
export function checkText(
  errors: BlockErrors,
  value: unknown,
  pointer: string,
  opts: { max: number; plainOnly?: boolean },
): void {
  if (!isObject(value)) {
    errors.add(pointer, 'must be an object');
    return;
  }
  const allowed = opts.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    errors.add(`${pointer}/type`, `must be ${allowed.map((t) => `\`${t}\``).join(' or ')}`);
  }
  checkString(errors, value, 'text', pointer, { required: true, min: 1, max: opts.max });
}

/** Checks an array field: presence, type and item count. Returns the array when usable. */
export function checkArray(
  errors: BlockErrors,
  obj: Json,
  key: string,
  pointer: string,
  opts: { required?: boolean; min?: number; max?: number },
): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (opts.required) errors.add(pointer, `missing required field: ${key}`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    errors.add(`${pointer}/${key}`, 'must be an array');
    return undefined;
  }
  if (opts.min !== undefined && value.length < opts.min)
    errors.add(`${pointer}/${key}`, `must provide at least ${opts.min} items`);
  if (opts.max !== undefined && value.length > opts.max)
    errors.add(`${pointer}/${key}`, `must be less than ${opts.max + 1} items`);
  return value;
}
