import { untrusted } from '../slack-text/untrusted.js';

const GiB = 1024 ** 3;

export function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(bytes >= 10 * GiB ? 0 : 1)} GiB`;
}

/** A duration in seconds for messages: `0.2 s`, `7 s`. */
export function seconds(ms: number): string {
  return `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)} s`;
}

export function cores(n: number): string {
  return `${Math.round(n * 10) / 10}`;
}

/** "3 h 20 min ago", "in 45 min": a coarse age relative to `now` (under a minute either way: "just now"). */
export function ago(at: number, now: number): string {
  const min = Math.round(Math.abs(now - at) / 60_000);
  if (min < 1) return 'just now';
  const text =
    min < 90
      ? `${min} min`
      : min < 48 * 60
        ? `${Math.floor(min / 60)} h ${min % 60} min`
        : `${Math.round(min / 1440)} d`;
  return at <= now ? `${text} ago` : `in ${text}`;
}

/** An API's message as untrusted prose, clipped so one noisy pod cannot fill the summary. */
export function quoted(message: string, max = 220): string {
  const clipped = message.length > max ? `${message.slice(0, max - 1)}…` : message;
  return untrusted(clipped.trim());
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
