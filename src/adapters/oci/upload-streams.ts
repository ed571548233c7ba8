/**
 * A streamed request body sent once. `window: null` with `redirect: 'error'` is the one case where fetch does
 * not clone the request: Node's fetch otherwise tees the body for a redirect it could never replay, and the
 * branch nobody reads holds every byte sent (a whole blob in memory). Registries do not redirect uploads.
 */
export function streamedBody(stream: ReadableStream<Uint8Array>): RequestInit {
  return { body: stream, duplex: 'half', window: null, redirect: 'error' } as RequestInit;
}

/** A stream over a reader already taken (see pushBlob), read only as fast as the request sends it. */
export function readerStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onBytes: ((n: number) => void) | undefined,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        onBytes?.(value.byteLength);
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * The body's reader, and whether it owns the chunks it reads: a byte stream (fetch's bodies) transfers each
 * chunk's buffer when it is enqueued, so nobody else holds it; other streams may reuse theirs.
 */
export function readerOf(body: ReadableStream<Uint8Array>): {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  owned: boolean;
} {
  let owned = false;
  try {
    body.getReader({ mode: 'byob' }).releaseLock();
    owned = true;
  } catch {
    // Not a byte stream.
  }
  return { reader: body.getReader(), owned };
}
