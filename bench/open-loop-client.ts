import { performance } from 'node:perf_hooks';
import { signSlackRequest } from '../src/sandbox/slack/sign-request.js';

// The open-loop load generator, forked by bench/open-loop.ts into its own process. Request i is due at
// start + i/rate whatever happened to earlier ones; its latency runs from that due time to the end of its
// response, so a server (or generator) that falls behind shows up in the figures instead of slowing the load.

export interface LoadRun {
  url: string;
  signingSecret: string;
  /** Form-encoded slash-command bodies, one per request, in send order. */
  bodies: string[];
  rate: number;
  /** The first `warmup` requests are sent on the same schedule but not measured. */
  warmup: number;
  timeoutMs: number;
}

export interface LoadResult {
  /** Milliseconds from due time to response end, measured requests only (failures included). */
  latencies: number[];
  /** How late the generator fired each measured request (its own lag, part of the latency). */
  sendLag: number[];
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
}

export function runOpenLoop(run: LoadRun): Promise<LoadResult> {
  const interval = 1000 / run.rate;
  const n = run.bodies.length;
  const latencies: number[] = [];
  const sendLag: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let done = 0;
  let next = 0;
  const start = performance.now() + 20;
  let measuredStart = 0;
  return new Promise((resolve) => {
    const finish = (i: number, due: number, status: string) => {
      if (i >= run.warmup) {
        latencies.push(performance.now() - due);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== '200') errors++;
      }
      if (++done === n)
        resolve({
          latencies,
          sendLag,
          errors,
          statuses,
          seconds: (performance.now() - measuredStart) / 1000,
        });
    };
    const fire = (i: number, due: number) => {
      const body = run.bodies[i]!;
      if (i === run.warmup) measuredStart = due;
      if (i >= run.warmup) sendLag.push(performance.now() - due);
      fetch(run.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          accept: 'application/json,*/*',
          ...signSlackRequest(run.signingSecret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(run.timeoutMs),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          finish(i, due, String(res.status));
        },
        (err: unknown) => finish(i, due, err instanceof Error ? err.name : 'error'),
      );
    };
    const tick = () => {
      const now = performance.now();
      while (next < n && start + next * interval <= now) {
        fire(next, start + next * interval);
        next++;
      }
      if (next < n) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
}

if (process.argv.includes('--serve') && process.send) {
  const send = process.send.bind(process);
  process.on('message', (run: LoadRun) => {
    void runOpenLoop(run).then((result) => send(result));
  });
  process.on('disconnect', () => process.exit(0));
}
