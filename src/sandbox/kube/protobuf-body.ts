import { unsupportedMediaType } from './status-errors.js';

/**
 * kubectl's typed clients (`auth can-i`, `create deployment|secret|service`, `drain`) send
 * `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, then a runtime.Unknown envelope whose `raw`
 * is the object's message. This decodes the messages listed in SCHEMAS (field numbers from k8s.io/api's
 * generated.proto) into the JSON the API would have received; anything else is refused with 415.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Kind = 'string' | 'bool' | 'int' | 'skip' | Schema;
type Schema = Record<number, [name: string, kind: Kind]>;

const NON_RESOURCE: Schema = { 1: ['path', 'string'], 2: ['verb', 'string'] };
const RESOURCE: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const SCHEMAS: Record<string, Schema> = {
  SelfSubjectAccessReview: {
    1: ['metadata', 'skip'],
    2: ['spec', { 1: ['resourceAttributes', RESOURCE], 2: ['nonResourceAttributes', NON_RESOURCE] }],
    3: ['status', 'skip'],
  },
};
const UNKNOWN: Schema = {
  1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }],
  2: ['raw', 'skip'],
  3: ['contentEncoding', 'string'],
  4: ['contentType', 'string'],
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** Decodes one message; gogo-protobuf writes empty strings and false too, which JSON would omit. */
function decodeMessage(buf: Buffer, schema: Schema, raw?: { value?: Buffer }): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const spec = schema[field];
    if (!spec) throw new Error(`field ${field} is not simulated`);
    const [name, kind] = spec;
    if (wire === 0) {
      const v = r.varint();
      if (kind === 'bool' && v) out[name] = true;
      else if (kind === 'int' && v) out[name] = v;
      continue;
    }
    if (wire !== 2) throw new Error(`wire type ${wire} is not simulated`);
    const bytes = r.bytes();
    if (kind === 'skip') {
      if (raw && name === 'raw') raw.value = bytes;
    } else if (kind === 'string') {
      const s = bytes.toString('utf8');
      if (s) out[name] = s;
    } else if (typeof kind === 'object') out[name] = decodeMessage(bytes, kind);
  }
  return out;
}

/** The object a protobuf request body carries, as JSON; 415 when its kind or a field is not simulated. */
export function decodeProtobuf(body: Buffer, expectedKind: string): Record<string, unknown> {
  const refuse = () => unsupportedMediaType(['application/json', 'application/yaml']);
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw refuse();
  const schema = SCHEMAS[expectedKind];
  if (!schema) throw refuse();
  try {
    const raw: { value?: Buffer } = {};
    const envelope = decodeMessage(body.subarray(4), UNKNOWN, raw);
    const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    if (typeMeta.kind !== expectedKind || !raw.value) throw new Error('unexpected kind');
    return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(raw.value, schema) };
  } catch {
    throw refuse();
  }
}

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim() === PROTOBUF;
}
