import { performance } from 'node:perf_hooks';

/** Peak RSS (and ArrayBuffers) of this process while `run` runs, sampled every 10 ms. */
export async function measured<T>(
  run: () => Promise<T>,
): Promise<{ ms: number; peakRss: number; peakBuffers: number; value: T }> {
  let peak = process.memoryUsage.rss();
  let buffers = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    buffers = Math.max(buffers, m.arrayBuffers);
  }, 10);
  const t0 = performance.now();
  try {
    const value = await run();
    const peakRss = Math.max(peak, process.memoryUsage.rss());
    return { ms: performance.now() - t0, peakRss, peakBuffers: buffers, value };
  } finally {
    clearInterval(timer);
  }
}
