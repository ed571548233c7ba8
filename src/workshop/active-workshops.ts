import type { Redis } from 'ioredis';
import type { Workshop } from './workshop-record.js';
import { WorkshopStore } from './workshop-store.js';

/** Workshops running at `now`: from an hour before the start (the go/no-go) to the wind-down. */
export async function activeWorkshops(
  deps: { redis: Redis; prefix: string },
  environment: string,
  now: number,
): Promise<Workshop[]> {
  const all = await new WorkshopStore(deps.redis, deps.prefix).list(environment, now - 86_400_000);
  return all.filter(
    (w) =>
      w.state === 'scheduled' && w.start - 3_600_000 <= now && now < w.steps['wind-down'].at && w.threadTs,
  );
}
