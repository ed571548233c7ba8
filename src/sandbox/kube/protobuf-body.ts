import { PROTO_TYPES } from './protobuf-types.js';
import { unsupportedMediaType } from './status-errors.js';

/**
 * kubectl's typed clients (`create deployment|secret|service`, `auth can-i`, `drain`) send
 * `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, then a runtime.Unknown envelope whose `raw`
 * is the object's message. This turns such a body into the JSON the API would have decoded, using the
 * field table generated from the Go types (protobuf-types.ts); other kinds are refused with 415.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Obj = Record<string, unknown>;

interface Field {
  json: string;
  pointer: boolean;
  repeated: boolean;
  omitempty: boolean;
  inline: boolean;
  kind: string;
}

const parsed = new Map<string, Map<number, Field>>();

function fieldsOf(type: string): Map<number, Field> {
  const cached = parsed.get(type);
  if (cached) return cached;
  const spec = PROTO_TYPES[type];
  if (spec === undefined) throw new Error(`message ${type} is not simulated`);
  const fields = new Map<number, Field>();
  for (const entry of spec.split(';')) {
    const [num, json = '', flags = '', kind = ''] = entry.split(' ');
    fields.set(Number(num), {
      json,
      pointer: flags.includes('p'),
      repeated: flags.includes('r'),
      omitempty: flags.includes('o'),
      inline: flags.includes('n'),
      kind,
    });
  }
  parsed.set(type, fields);
  return fields;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  }
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    if (out.length !== len) throw new Error('truncated field');
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
}

/** A small message as `field number → raw value` (varints as numbers, the rest as bytes). */
function fieldsRaw(buf: Buffer): Map<number, number | Buffer> {
  const r = new Reader(buf);
  const out = new Map<number, number | Buffer>();
  while (!r.done) {
    const tag = Number(r.varint());
    const wire = tag & 7;
    if (wire === 0) out.set(tag >>> 3, r.int());
    else if (wire === 2) out.set(tag >>> 3, r.bytes());
    else r.skip(wire);
  }
  return out;
}

const str = (v: number | Buffer | undefined) => (Buffer.isBuffer(v) ? v.toString('utf8') : '');
const num = (v: number | Buffer | undefined) => (typeof v === 'number' ? v : 0);

function time(buf: Buffer, micro: boolean): string | null {
  const f = fieldsRaw(buf);
  const seconds = num(f.get(1));
  const nanos = num(f.get(2));
  if (!seconds && !nanos) return null;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function scalar(r: Reader, wire: number, kind: string): unknown {
  if (wire === 0) {
    const v = r.int();
    return kind === 'b' ? v !== 0 : v;
  }
  if (wire === 1) {
    const v = r.buf.readDoubleLE(r.pos);
    r.pos += 8;
    return v;
  }
  const bytes = r.bytes();
  switch (kind) {
    case 's':
      return bytes.toString('utf8');
    case 'y':
      return bytes.toString('base64');
    case 'q':
      return str(fieldsRaw(bytes).get(1));
    case 'ios': {
      const f = fieldsRaw(bytes);
      return num(f.get(1)) === 1 ? str(f.get(3)) : num(f.get(2));
    }
    case 't':
    case 'mt':
      return time(bytes, kind === 'mt');
    case 'd':
      return `${num(fieldsRaw(bytes).get(1)) / 1e9}s`;
    case 'raw': {
      const raw = fieldsRaw(bytes).get(1);
      return Buffer.isBuffer(raw) && raw.length ? JSON.parse(raw.toString('utf8')) : null;
    }
    default:
      if (kind.startsWith('m:')) return decodeMessage(bytes, kind.slice(2));
      throw new Error(`kind ${kind} on a length-delimited field`);
  }
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false || v === null;

/** One message as JSON; Go's marshaller writes non-pointer zero values, which omitempty JSON leaves out. */
function decodeMessage(buf: Buffer, type: string): Obj {
  const fields = fieldsOf(type);
  const r = new Reader(buf);
  const out: Obj = {};
  while (!r.done) {
    const tag = Number(r.varint());
    const wire = tag & 7;
    const f = fields.get(tag >>> 3);
    if (!f) throw new Error(`field ${tag >>> 3} of ${type} is not simulated`);
    if (f.kind.startsWith('map:')) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value: unknown;
      while (!entry.done) {
        const t = Number(entry.varint());
        if (t >>> 3 === 1) key = entry.bytes().toString('utf8');
        else value = scalar(entry, t & 7, f.kind.slice(4));
      }
      const map = (out[f.json] ?? {}) as Obj;
      map[key] = value ?? (f.kind === 'map:s' || f.kind === 'map:y' ? '' : null);
      out[f.json] = map;
    } else if (f.repeated) {
      const list = (out[f.json] ?? []) as unknown[];
      if (wire === 2 && ['i', 'b', 'f'].includes(f.kind)) {
        const packed = new Reader(r.bytes());
        while (!packed.done) list.push(scalar(packed, f.kind === 'f' ? 1 : 0, f.kind));
      } else list.push(scalar(r, wire, f.kind));
      out[f.json] = list;
    } else if (f.inline) Object.assign(out, scalar(r, wire, f.kind) as Obj);
    else out[f.json] = scalar(r, wire, f.kind);
  }
  for (const f of fields.values())
    if (
      f.json in out &&
      !f.repeated &&
      !f.pointer &&
      (isZero(out[f.json]) ? f.omitempty || out[f.json] === null : false)
    )
      delete out[f.json];
  return out;
}

function typeKey(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return `${group ? group.split('.')[0] : 'core'}/${version}.${kind}`;
}

/** The object a protobuf request body carries, as JSON; 415 when its kind or one of its fields is not simulated. */
export function decodeProtobuf(body: Buffer, expectedKind: string): Obj {
  const refuse = () => unsupportedMediaType(['application/json', 'application/yaml']);
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw refuse();
  try {
    const envelope = fieldsRaw(body.subarray(4));
    const typeMeta = fieldsRaw(envelope.get(1) as Buffer);
    const apiVersion = str(typeMeta.get(1));
    const kind = str(typeMeta.get(2));
    const raw = envelope.get(2);
    if (kind !== expectedKind || !Buffer.isBuffer(raw)) throw new Error(`unexpected kind ${kind}`);
    return { apiVersion, kind, ...decodeMessage(raw, typeKey(apiVersion, kind)) };
  } catch {
    throw refuse();
  }
}

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim() === PROTOBUF;
}
