import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlobChunks, ChunkedUpload, type UploadEndpoint } from '../../src/adapters/oci/chunked-upload.js';
import { TransientError } from '../../src/errors/transient-error.js';

// The chunked upload without a registry: a fake endpoint that keeps what each PATCH delivered, and can cut a
// PATCH after some bytes (as a reset connection does), so resumption and source failures are exact.

/** A byte stream (as fetch's bodies are) of `bytes` in pieces of `piece`, counting the reads. */
function source(bytes: Buffer, piece: number, failAt?: number) {
  const stats = { reads: 0 };
  let at = 0;
  const stream = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (failAt !== undefined && at >= failAt) return controller.error(new TypeError('terminated'));
      if (at >= bytes.length) return controller.close();
      stats.reads++;
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + piece)));
      at += piece;
    },
  });
  return { stream, stats };
}

/** A registry session: the bytes it holds, and a cut armed at a total size. */
function endpoint(cutAt?: number) {
  const held: Buffer[] = [];
  const calls = { patch: 0, status: 0 };
  let cut = cutAt;
  const size = () => held.reduce((n, b) => n + b.length, 0);
  const api: UploadEndpoint = {
    async patchUpload(_repo, location, body, length, offset) {
      calls.patch++;
      expect(offset).toBe(size());
      let got = 0;
      for await (const piece of body as unknown as AsyncIterable<Uint8Array>) {
        const room = cut === undefined ? piece.length : Math.min(piece.length, cut - size());
        held.push(Buffer.from(piece.subarray(0, room)));
        got += room;
        if (room < piece.length || size() === cut) {
          cut = undefined;
          throw new TransientError('connection reset', { kind: 'unreachable' });
        }
      }
      expect(got).toBe(length);
      return new Response(null, { status: 202, headers: { location: location.href } });
    },
    async uploadStatus(_repo, location) {
      calls.status++;
      return { held: size(), location };
    },
  };
  return { api, held: () => Buffer.concat(held), calls };
}

async function upload(api: UploadEndpoint, stream: ReadableStream<Uint8Array>, size: number, chunk: number) {
  let counted = 0;
  const chunks = new BlobChunks(stream.getReader(), Buffer.alloc(chunk), 'uploading a test blob', {
    owned: true,
    onBytes: (n) => {
      counted += n;
    },
  });
  const up = new ChunkedUpload(api, 'repo', new URL('http://registry/upload/1'), 'uploading', undefined);
  for (let start = 0; start < size; start += chunk) {
    chunks.next(Math.min(chunk, size - start));
    await up.send(chunks);
  }
  await chunks.end();
  return { resumed: up.resumed, counted };
}

describe('chunked upload', () => {
  const blob = randomBytes(1_000_000);

  it('streams every chunk from one read of the source', async () => {
    const { stream, stats } = source(blob, 65_536);
    const reg = endpoint();
    const result = await upload(reg.api, stream, blob.length, 300_000);
    expect(reg.held().equals(blob)).toBe(true);
    expect(result).toEqual({ resumed: 0, counted: blob.length });
    expect(reg.calls).toEqual({ patch: 4, status: 0 });
    expect(stats.reads).toBe(Math.ceil(blob.length / 65_536));
  });

  it('resumes a cut chunk from the registry offset, from memory: no source byte read twice', async () => {
    const { stream, stats } = source(blob, 65_536);
    const reg = endpoint(450_123);
    const result = await upload(reg.api, stream, blob.length, 300_000);
    expect(reg.held().equals(blob)).toBe(true);
    expect(result).toEqual({ resumed: 1, counted: blob.length });
    expect(reg.calls).toEqual({ patch: 5, status: 1 });
    expect(stats.reads).toBe(Math.ceil(blob.length / 65_536));
  });

  it('a source failing mid-chunk fails the upload as transient, without asking the registry', async () => {
    const { stream } = source(blob, 65_536, 400_000);
    const reg = endpoint();
    const failed = await upload(reg.api, stream, blob.length, 300_000).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    expect((failed as Error).message).toMatch(/source blob unreadable/);
    expect(reg.calls.status).toBe(0);
  });

  it('a source shorter than its size is refused', async () => {
    const { stream } = source(blob.subarray(0, 500_000), 65_536);
    const failed = await upload(endpoint().api, stream, blob.length, 300_000).catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(/ended before its size/);
  });
});
