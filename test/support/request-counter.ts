import type { Faults } from '../../src/sandbox/shared/faults.js';

export interface RequestCounter {
  /** Requests that reached simulated `api` (e.g. `kube:us-east-2`, `cloudflare`), optionally with one method. */
  count(api: string, method?: string): number;
  /** Requests to `api` other than GET/HEAD: the ones that can change something. */
  writes(api: string): number;
  stop(): void;
}

/**
 * Counts the requests each simulated API receives, by method. Every simulated server consults the shared
 * fault table once per request (`Faults.take`), so observing that call counts real traffic from outside.
 */
export function countRequests(faults: Faults): RequestCounter {
  const counts = new Map<string, number>();
  const original = faults.take.bind(faults);
  faults.take = (api, method) => {
    const key = `${api} ${method ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return original(api, method);
  };
  const sum = (pred: (api: string, method: string) => boolean) =>
    [...counts].reduce((n, [key, c]) => {
      const [api = '', method = ''] = key.split(' ');
      return pred(api, method) ? n + c : n;
    }, 0);
  return {
    count: (api, method) => sum((a, m) => a === api && (method === undefined || m === method)),
    writes: (api) => sum((a, m) => a === api && m !== 'GET' && m !== 'HEAD' && m !== ''),
    stop() {
      faults.take = original;
    },
  };
}
