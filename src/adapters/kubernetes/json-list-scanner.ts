const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

type State = 'start' | 'key-or-end' | 'key' | 'colon' | 'value-start' | 'items' | 'value' | 'done';

/**
 * Reads a Kubernetes list (`{"metadata":{…},"items":[{…},…]}`) as its bytes arrive and hands each item to
 * `onItem` parsed on its own; the other top-level fields (metadata: `continue`) are kept. A page of 500 pods
 * is 1.3–5 MB of JSON: read whole, it is one string outside V8's heap (Node keeps decoded strings over 1 MB
 * in native memory) plus an object graph several times that, per page, until the next full collection.
 * Here only one item is text or objects at a time. Strict JSON is assumed (the API server's); a malformed
 * body throws from JSON.parse.
 */
export class JsonListScanner {
  private state: State = 'start';
  /** Pieces of the key or value being read, when it spans chunks. */
  private parts: Uint8Array[] = [];
  /** Where the current key or value starts in the chunk being fed (0 when it began in an earlier one). */
  private start = 0;
  private key = '';
  /** Inside the value being read: nesting, in a string, and an escape left pending by the last chunk. */
  private depth = 0;
  private inString = false;
  private escapeNext = false;
  private readonly fields: Record<string, unknown> = {};
  private readonly decoder = new TextDecoder();

  constructor(private readonly onItem: (item: unknown) => void) {}

  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && this.state !== 'done') i = this.step(chunk, i);
    if (this.state === 'key' || this.state === 'value') this.parts.push(chunk.subarray(this.start));
    this.start = 0;
  }

  /** The top-level fields other than `items`, once the body is complete. */
  end(): Record<string, unknown> {
    if (this.state !== 'done') throw new Error('the list ended before its closing brace');
    return this.fields;
  }

  /** One move of the top-level state machine from byte `i`; returns where to go on. */
  private step(chunk: Uint8Array, i: number): number {
    const b = chunk[i]!;
    switch (this.state) {
      case 'start':
        if (b === OPEN_OBJECT) this.state = 'key-or-end';
        else if (!isSpace(b)) throw new Error('a list must be a JSON object');
        return i + 1;
      case 'key-or-end':
        if (b === QUOTE) this.begin('key', i);
        else if (b === CLOSE_OBJECT) this.state = 'done';
        return i + 1;
      case 'key':
        return this.readKey(chunk, i);
      case 'colon':
        if (b === COLON) this.state = 'value-start';
        return i + 1;
      case 'value-start':
        if (isSpace(b)) return i + 1;
        if (this.key === 'items' && b === OPEN_ARRAY) {
          this.state = 'items';
          return i + 1;
        }
        this.begin('value', i);
        return i;
      case 'items':
        if (b === CLOSE_ARRAY) this.state = 'key-or-end';
        else if (!isSpace(b) && b !== COMMA) {
          this.begin('value', i);
          return i;
        }
        return i + 1;
      case 'value':
        return this.readValue(chunk, i);
      default:
        return chunk.length;
    }
  }

  private begin(state: 'key' | 'value', at: number): void {
    this.state = state;
    this.start = state === 'key' ? at + 1 : at;
    this.parts = [];
    this.depth = 0;
    this.inString = false;
    this.escapeNext = false;
  }

  private readKey(chunk: Uint8Array, i: number): number {
    const q = this.closingQuote(chunk, i);
    if (q < 0) return chunk.length;
    this.key = JSON.parse(`"${this.text(chunk, q)}"`) as string;
    this.state = 'colon';
    return q + 1;
  }

  /** Scans a value (an item, or another top-level field) to its end; parses it when it is complete. */
  private readValue(chunk: Uint8Array, i: number): number {
    let at = i;
    while (at < chunk.length) {
      if (this.inString) {
        const q = this.closingQuote(chunk, at);
        if (q < 0) return chunk.length;
        this.inString = false;
        at = q + 1;
        if (this.depth === 0) return this.finish(chunk, at);
        continue;
      }
      const b = chunk[at]!;
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        // A scalar ends at the brace or bracket closing its container, which is not part of it.
        if (this.depth === 0) return this.finish(chunk, at);
        this.depth--;
        if (this.depth === 0) return this.finish(chunk, at + 1);
      } else if (this.depth === 0 && (b === COMMA || isSpace(b))) return this.finish(chunk, at);
      at++;
    }
    return at;
  }

  /** The value ends before `end`: parse it, hand it on, and return to the list or the object. */
  private finish(chunk: Uint8Array, end: number): number {
    const value: unknown = JSON.parse(this.text(chunk, end));
    if (this.key === 'items') {
      this.state = 'items';
      this.onItem(value);
    } else {
      this.state = 'key-or-end';
      this.fields[this.key] = value;
    }
    return end;
  }

  /** The bytes of the current key or value up to `end`, as text. */
  private text(chunk: Uint8Array, end: number): string {
    const tail = chunk.subarray(this.start, end);
    const bytes = this.parts.length ? Buffer.concat([...this.parts, tail]) : tail;
    this.parts = [];
    return this.decoder.decode(bytes);
  }

  /**
   * The index of the quote closing the string the scan is in, searching from `i` (-1 if the chunk ends
   * first, with a trailing backslash remembered): a quote after an odd run of backslashes is escaped.
   */
  private closingQuote(chunk: Uint8Array, i: number): number {
    let from = i;
    if (this.escapeNext) {
      this.escapeNext = false;
      from++;
    }
    for (;;) {
      const q = chunk.indexOf(QUOTE, from);
      if (q < 0) {
        this.escapeNext = oddBackslashesBefore(chunk, chunk.length, from);
        return -1;
      }
      if (!oddBackslashesBefore(chunk, q, from)) return q;
      from = q + 1;
    }
  }
}

/** Whether the run of backslashes just before `end` (not looking before `floor`) is odd. */
function oddBackslashesBefore(chunk: Uint8Array, end: number, floor: number): boolean {
  let k = end - 1;
  while (k >= floor && chunk[k] === BACKSLASH) k--;
  return (end - 1 - k) % 2 === 1;
}
