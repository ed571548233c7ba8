import { describe, expect, it } from 'vitest';
import { JsonListScanner } from '../../src/adapters/kubernetes/json-list-scanner.js';

// The streamed list reader against JSON.parse of the whole body, whatever the chunking: strings with
// escaped quotes and backslashes, multi-byte characters, nested arrays and scalars, fields after `items`.

const tricky = [
  'plain',
  'a "quoted" word',
  'ends with a backslash \\',
  '\\"\\\\"',
  'naïve 日本語 emoji 🚀',
  '{[not structure]},',
  '',
];

function list(items: unknown[], tail = true): string {
  return JSON.stringify({
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '42', continue: 'abc"def' },
    items,
    ...(tail ? { after: [1, { x: 'y' }, null, true, -1.5e3] } : {}),
  });
}

function scan(body: Uint8Array, cuts: number[]) {
  const items: unknown[] = [];
  const scanner = new JsonListScanner((item) => items.push(item));
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    scanner.feed(body.subarray(at, cut));
    at = cut;
  }
  return { items, fields: scanner.end() };
}

describe('JsonListScanner', () => {
  const items = Array.from({ length: 40 }, (_, i) => ({
    metadata: { name: `pod-${i}`, labels: { note: tricky[i % tricky.length]! } },
    spec: { containers: [{ name: 'c', args: tricky, n: i, ok: i % 2 === 0, none: null }] },
  }));

  it('yields every item and the other fields as JSON.parse does, in one chunk', () => {
    const body = Buffer.from(list(items));
    const whole = JSON.parse(body.toString()) as { items: unknown[]; metadata: unknown; after: unknown };
    const got = scan(body, []);
    expect(got.items).toEqual(whole.items);
    expect(got.fields).toEqual({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: whole.metadata,
      after: whole.after,
    });
  });

  it('gives the same answer cut at every byte boundary (pairs of cuts over a small list)', () => {
    const body = Buffer.from(list(items.slice(0, 3)));
    const whole = JSON.parse(body.toString()) as { items: unknown[] };
    for (let a = 1; a < body.length; a += 1)
      for (const b of [a + 1, a + 7, a + 64])
        if (b < body.length) expect(scan(body, [a, b]).items).toEqual(whole.items);
  });

  it('gives the same answer over random chunk sizes of a large list', () => {
    const body = Buffer.from(list(items, false));
    const whole = JSON.parse(body.toString()) as { items: unknown[] };
    let seed = 7;
    const cuts: number[] = [];
    for (let at = 0; at < body.length; ) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      at += 1 + (seed % 300);
      if (at < body.length) cuts.push(at);
    }
    expect(scan(body, cuts).items).toEqual(whole.items);
  });

  it('an empty list, and whitespace between tokens', () => {
    const body = Buffer.from('{ "metadata" : { "continue" : "" } ,\n "items" : [ ] }');
    expect(scan(body, [5, 20])).toEqual({ items: [], fields: { metadata: { continue: '' } } });
    const spaced = Buffer.from('{"items": [ {"a": 1} , 2 , "x" ]}');
    expect(scan(spaced, [3]).items).toEqual([{ a: 1 }, 2, 'x']);
  });

  it('a truncated body is refused', () => {
    const body = Buffer.from(list(items.slice(0, 2)));
    const scanner = new JsonListScanner(() => {});
    scanner.feed(body.subarray(0, body.length - 10));
    expect(() => scanner.end()).toThrow(/ended before/);
  });
});
