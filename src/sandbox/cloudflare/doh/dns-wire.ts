import { isIP } from 'node:net';
import type { DnsAnswer } from './resolve-name.js';

/** RFC 1035 §4.1 message, as much of it as a DoH resolver reads from a query. */
export interface WireQuery {
  id: number;
  opcode: number;
  rd: boolean;
  cd: boolean;
  questions: { name: string; type: number; class: number }[];
  /** The EDNS(0) OPT record's payload size and DO bit, when the query carried one. */
  edns?: { udpSize: number; dnssecOk: boolean };
}

/** A query the resolver cannot read at all (HTTP 400), as opposed to one it answers with FORMERR. */
export class WireFormatError extends Error {}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const TYPE_OPT = 41;
const CLASS_IN = 1;

class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
  /** A domain name, following compression pointers (RFC 1035 §4.1.4), without the trailing dot. */
  name(): string {
    const labels: string[] = [];
    let at = this.offset;
    let jumped = false;
    for (let hops = 0; ; hops++) {
      if (hops > 127 || at >= this.buf.length) throw new WireFormatError('malformed name');
      const len = this.buf[at]!;
      if ((len & 0xc0) === 0xc0) {
        if (at + 1 >= this.buf.length) throw new WireFormatError('malformed name');
        if (!jumped) this.offset = at + 2;
        jumped = true;
        at = ((len & 0x3f) << 8) | this.buf[at + 1]!;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new WireFormatError('malformed name');
      if (len === 0) {
        if (!jumped) this.offset = at + 1;
        break;
      }
      if (at + 1 + len > this.buf.length) throw new WireFormatError('malformed name');
      labels.push(this.buf.toString('latin1', at + 1, at + 1 + len));
      at += 1 + len;
    }
    const name = labels.join('.');
    if (name.length > 253) throw new WireFormatError('name too long');
    return name;
  }
  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new WireFormatError('message truncated');
  }
}

/** Parses a DNS query message. Throws WireFormatError when it is not one. */
export function decodeQuery(buf: Buffer): WireQuery {
  if (buf.length < 12) throw new WireFormatError('message shorter than a DNS header');
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  if (flags & 0x8000) throw new WireFormatError('message is a response, not a query');
  const [qd, an, ns, ar] = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions: WireQuery['questions'] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  let edns: WireQuery['edns'];
  for (let i = 0; i < an + ns + ar; i++) {
    r.name();
    const type = r.u16();
    const klass = r.u16();
    const ttl = r.u32();
    const rdlength = r.u16();
    r.skip(rdlength);
    // OPT: CLASS is the requestor's UDP payload size, TTL carries the DO bit (RFC 6891 §6.1.3).
    if (type === TYPE_OPT) edns = { udpSize: klass, dnssecOk: (ttl & 0x8000) !== 0 };
  }
  return {
    id,
    opcode: (flags >> 11) & 0xf,
    rd: (flags & 0x0100) !== 0,
    cd: (flags & 0x0010) !== 0,
    questions,
    ...(edns ? { edns } : {}),
  };
}

function encodeName(name: string): Buffer {
  const trimmed = name.replace(/\.$/, '');
  if (trimmed === '') return Buffer.from([0]);
  const parts = trimmed.split('.').map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > 63) throw new Error(`bad label in ${name}`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** Character-strings from presentation text: `"a" "b"` stays two; bare text is cut into 255-byte pieces. */
function characterStrings(text: string): Buffer {
  const quoted = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  const pieces = quoted.length > 0 ? quoted.map((q) => Buffer.from(q, 'utf8')) : [Buffer.from(text, 'utf8')];
  const out: Buffer[] = [];
  for (const piece of pieces) {
    if (piece.length === 0) out.push(Buffer.from([0]));
    for (let i = 0; i < piece.length; i += 255) {
      const chunk = piece.subarray(i, i + 255);
      out.push(Buffer.from([chunk.length]), chunk);
    }
  }
  return Buffer.concat(out);
}

function ipv6(text: string): Buffer {
  const [head = '', tail] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(all.map((g) => u16(Number.parseInt(g, 16))));
}

/** RDATA for an answer in the JSON API's presentation form (`data`). */
function rdata(a: DnsAnswer): Buffer {
  const fields = a.data.trim().split(/\s+/);
  switch (a.type) {
    case 1:
      if (isIP(a.data) !== 4) throw new Error(`bad A data ${a.data}`);
      return Buffer.from(a.data.split('.').map(Number));
    case 28:
      if (isIP(a.data) !== 6) throw new Error(`bad AAAA data ${a.data}`);
      return ipv6(a.data);
    case 2:
    case 5:
      return encodeName(a.data);
    case 15:
      return Buffer.concat([u16(Number(fields[0])), encodeName(fields[1] ?? '.')]);
    case 16:
      return characterStrings(a.data);
    case 6: {
      const [mname = '.', rname = '.', ...numbers] = fields;
      return Buffer.concat([
        encodeName(mname),
        encodeName(rname),
        ...numbers.slice(0, 5).map((n) => u32(Number(n))),
      ]);
    }
    case 257: {
      // `0 issue "letsencrypt.org"`: flags, tag, value (RFC 8659 §4.1).
      const m = /^(\d+)\s+(\S+)\s+"?(.*?)"?$/.exec(a.data.trim());
      const tag = Buffer.from(m?.[2] ?? '', 'ascii');
      return Buffer.concat([
        Buffer.from([Number(m?.[1] ?? 0), tag.length]),
        tag,
        Buffer.from(m?.[3] ?? '', 'utf8'),
      ]);
    }
    default:
      return Buffer.from(a.data, 'utf8');
  }
}

function record(a: DnsAnswer): Buffer {
  const data = rdata(a);
  return Buffer.concat([encodeName(a.name), u16(a.type), u16(CLASS_IN), u32(a.TTL), u16(data.length), data]);
}

export interface WireAnswer {
  rcode: number;
  answer: DnsAnswer[];
  authority: DnsAnswer[];
}

/**
 * The response to `query`: its id, opcode, RD and CD echoed, RA set (a recursive resolver, so AA
 * clear), the question repeated, and an OPT record back when the query had one.
 */
export function encodeResponse(query: WireQuery, result: WireAnswer): Buffer {
  const flags =
    0x8000 | (query.opcode << 11) | (query.rd ? 0x0100 : 0) | 0x0080 | (query.cd ? 0x0010 : 0) | result.rcode;
  const question = query.questions.map((q) => Buffer.concat([encodeName(q.name), u16(q.type), u16(q.class)]));
  const opt = query.edns
    ? [
        Buffer.concat([
          Buffer.from([0]),
          u16(TYPE_OPT),
          u16(1232),
          u32(query.edns.dnssecOk ? 0x8000 : 0),
          u16(0),
        ]),
      ]
    : [];
  return Buffer.concat([
    u16(query.id),
    u16(flags),
    u16(question.length),
    u16(result.answer.length),
    u16(result.authority.length),
    u16(opt.length),
    ...question,
    ...result.answer.map(record),
    ...result.authority.map(record),
    ...opt,
  ]);
}
