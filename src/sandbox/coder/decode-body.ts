import type { IncomingMessage } from 'node:http';
import { readBody } from '../shared/http.js';
import { type CoderResponse, coderError, type Reply } from './coder-http.js';
import { parseUuid } from './parse-uuid.js';

type Validation = NonNullable<CoderResponse['validations']>[number];
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const invalidJson = (detail: string): Reply =>
  coderError(400, { message: 'Request body must be valid JSON.', detail });

/** httpapi.Read's first half: the body as a JSON object, or the 400 encoding/json would cause. */
export async function decodeBody(req: IncomingMessage): Promise<Record<string, unknown> | Reply> {
  const text = (await readBody(req)).toString('utf8').trim();
  if (text === '') return invalidJson('EOF');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalidJson(`invalid character '${text.charAt(0)}' looking for beginning of value`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    return invalidJson(`json: cannot unmarshal ${kind} into Go value of type codersdk.Request`);
  }
  return value as Record<string, unknown>;
}

/** Go struct fields as encoding/json fills them: absent → zero value, wrong JSON type → decode error. */
export class GoFields {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly struct: string,
  ) {}

  string(field: string): string | Reply {
    const v = this.body[field];
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : this.typeError(field, v, 'string');
  }

  boolean(field: string): boolean | Reply {
    const v = this.body[field];
    if (v === undefined || v === null) return false;
    return typeof v === 'boolean' ? v : this.typeError(field, v, 'bool');
  }

  /** uuid.UUID: the nil UUID when absent; google/uuid's error text when malformed. */
  uuid(field: string): string | Reply {
    const v = this.body[field];
    if (v === undefined || v === null) return NIL_UUID;
    if (typeof v !== 'string') return this.typeError(field, v, 'uuid.UUID');
    const parsed = parseUuid(v);
    return 'error' in parsed ? invalidJson(parsed.error) : parsed.id;
  }

  private typeError(field: string, v: unknown, goType: string): Reply {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
    return invalidJson(
      `json: cannot unmarshal ${kind} into Go struct field ${this.struct}.${field} of type ${goType}`,
    );
  }
}

export const isReply = (v: unknown): v is Reply =>
  typeof v === 'object' && v !== null && 'status' in v && 'contentType' in v;

export const isNilUuid = (id: string) => id === NIL_UUID;

/** go-playground/validator's failure, as httpapi.Read words it. */
export function validation(field: string, tag: string, value: string): Validation {
  return { field, detail: `Validation failed for tag "${tag}" with value: "${value}"` };
}

export const validationFailed = (validations: Validation[]): Reply =>
  coderError(400, { message: 'Validation failed.', validations });
