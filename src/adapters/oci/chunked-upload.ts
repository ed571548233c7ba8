import { TransientError } from '../../errors/transient-error.js';
import { classifyRegistryResponse } from './classify-registry-response.js';

/** Resumptions of one chunk before the copy fails (transient: the job retries, skipping finished blobs). */
const CHUNK_ATTEMPTS = 4;

export interface SourceOptions {
  /** The reader owns the chunks it reads (a byte stream's): each is freed as soon as it is copied. */
  owned: boolean;
  /** Bytes read from the source, each counted once however often a resumption sends it. */
  onBytes?: ((n: number) => void) | undefined;
}

/** What a chunked upload needs of the client: one PATCH and the session's status. */
export interface UploadEndpoint {
  patchUpload(
    repo: string,
    location: URL,
    body: ReadableStream<Uint8Array>,
    length: number,
    offset: number,
    doing: string,
    signal?: AbortSignal,
  ): Promise<Response>;
  uploadStatus(
    repo: string,
    location: URL,
    doing: string,
    signal?: AbortSignal,
  ): Promise<{ held: number; location: URL }>;
}

/**
 * The source blob read once, in order, one chunk at a time. Each PATCH body streams the chunk as the source
 * delivers it (source and destination busy together, as a plain GET → PUT), and every byte read is kept in
 * one chunk-sized buffer until the registry acknowledges the chunk, so a failed PATCH resumes from the
 * registry's offset without reading the source again. Memory: one chunk, however large the blob.
 */
export class BlobChunks {
  /** This chunk's length, and how much of it the source has delivered into `buffer`. */
  length = 0;
  private filled = 0;
  /** Bytes the source delivered past the current chunk: the start of the next one. */
  private carry: Uint8Array | undefined;
  private reading: Promise<void> | undefined;
  /** Why the source stopped (its own failure, not the destination's). */
  failure: Error | undefined;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    /** One chunk's room; the caller may reuse it once the upload is over. */
    readonly buffer: Buffer,
    private readonly doing: string,
    private readonly source: SourceOptions,
  ) {}

  /** Moves on to the next chunk of `length` bytes (the previous one is acknowledged: its buffer is free). */
  next(length: number): void {
    this.length = length;
    this.filled = 0;
  }

  /** A PATCH body: the current chunk from byte `from`, what is buffered first, then read on from the source. */
  body(from: number): ReadableStream<Uint8Array> {
    let at = from;
    let cancelled = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (at >= this.filled && this.filled < this.length) await this.fill();
          if (cancelled) return;
          if (at >= this.length) return controller.close();
          // A view, not a copy: the buffer is not refilled before the registry has acknowledged this chunk.
          controller.enqueue(this.buffer.subarray(at, this.filled));
          at = this.filled;
        },
        cancel: () => {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** After the last chunk: the source must be at its end (then its connection goes back to the pool). */
  async end(): Promise<void> {
    const extra = this.carry?.byteLength ? this.carry : (await this.reader.read()).value;
    if (extra?.byteLength)
      throw new TransientError(`the source sent more bytes than its size while ${this.doing}`);
    this.reader.releaseLock();
  }

  /** The upload failed: stop reading the source instead of leaving its response open. */
  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  /** One read of the source into the buffer; reads are serialized (a resumed body may ask while one is out). */
  private fill(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    if (this.failure) throw this.failure;
    const piece = this.carry ?? (await this.readSource());
    this.carry = undefined;
    const n = Math.min(piece.byteLength, this.length - this.filled);
    this.buffer.set(piece.subarray(0, n), this.filled);
    this.filled += n;
    if (n < piece.byteLength) this.carry = piece.subarray(n);
    else if (this.source.owned) release(piece);
  }

  private async readSource(): Promise<Uint8Array> {
    const read = await this.reader.read().catch((err: unknown) => {
      this.failure = new TransientError(`source blob unreadable while ${this.doing}`, {
        kind: 'unreachable',
        cause: err,
      });
      throw this.failure;
    });
    if (read.done) {
      this.failure = new TransientError(`source blob ended before its size while ${this.doing}`);
      throw this.failure;
    }
    this.source.onBytes?.(read.value.byteLength);
    return read.value;
  }
}

/**
 * Frees a chunk copied into the buffer now rather than at V8's next full collection: fetch allocates every
 * network read, and the garbage collector lets tens of MB of read buffers pile up before it runs.
 */
function release(piece: Uint8Array): void {
  if (piece.buffer instanceof ArrayBuffer && !piece.buffer.detached) piece.buffer.transfer(0);
}

/**
 * The PATCH side of a chunked upload: where the session is, what the registry holds, and the resumption of a
 * chunk that failed from the registry's own count of bytes.
 */
export class ChunkedUpload {
  offset = 0;
  resumed = 0;

  constructor(
    private readonly client: UploadEndpoint,
    private readonly repo: string,
    public location: URL,
    private readonly doing: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async send(chunk: BlobChunks): Promise<void> {
    const start = this.offset;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: Error;
      try {
        const res = await this.client.patchUpload(
          this.repo,
          this.location,
          chunk.body(sent),
          chunk.length - sent,
          start + sent,
          this.doing,
          this.signal,
        );
        await res.body?.cancel();
        if (res.status === 202) {
          const next = res.headers.get('location');
          if (next) this.location = new URL(next, this.location);
          this.offset = start + chunk.length;
          return;
        }
        failure = await classifyRegistryResponse(res, this.doing);
        // Only a failure that may pass (5xx, 429, a cut connection) is worth resuming; a 4xx is final.
        if (!(failure instanceof TransientError) && res.status !== 416) throw failure;
      } catch (err) {
        // The source failing is not the registry's: resuming would read it again, so the job retries instead.
        if (chunk.failure) throw chunk.failure;
        if (this.signal?.aborted || !(err instanceof TransientError)) throw err;
        failure = err;
      }
      if (attempt >= CHUNK_ATTEMPTS) throw failure;
      sent = await this.resumeAt(start, chunk.length);
      this.resumed++;
    }
  }

  /** Asks the registry what it holds of the upload: where in this chunk to go on from. */
  private async resumeAt(start: number, length: number): Promise<number> {
    const status = await this.client.uploadStatus(this.repo, this.location, this.doing, this.signal);
    // The registry lost bytes it had acknowledged, or holds more than was sent: start the blob over.
    if (status.held < start || status.held > start + length)
      throw new TransientError(
        `registry holds ${status.held} bytes of an upload at ${start}–${start + length} while ${this.doing}`,
      );
    this.location = status.location;
    return status.held - start;
  }
}
