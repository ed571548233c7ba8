import { afterEach } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import type { Plan, PlanStatus } from '../../src/plans/plan.js';
import { submitChange } from '../../src/plans/submit-change.js';
import { OffsetClock } from '../../src/sandbox/shared/clock.js';
import { RecordingChat } from '../support/recording-chat.js';
import { eventually, redisUrl, uniquePrefix } from '../support/redis.js';
import { ALICE, buildPlanWorld, CHANNEL, ENV, type PlanWorld, type WorldOptions } from './plan-world.js';

const worlds: PlanWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

export interface TestWorld extends PlanWorld {
  chat: RecordingChat;
  clock: OffsetClock;
  prefix: string;
}

/** A plan world on a fresh prefix with one running worker; closed after the test. */
export function world(options: Partial<WorldOptions> = {}, startWorker = true): TestWorld {
  const chat = new RecordingChat();
  const clock = new OffsetClock();
  const prefix = uniquePrefix('plans');
  const w = buildPlanWorld({ url: redisUrl(), prefix, chat, clock, ...options });
  worlds.push(w);
  if (startWorker) w.startWorker();
  return { ...w, chat, clock, prefix };
}

let seq = 0;

/** Submits a flag change as `requester` and waits for the plan message; returns the plan id. */
export async function plan(
  w: TestWorld,
  change: { name: string; value: string | null },
  extra: { requester?: string; revertAfterMs?: number } = {},
): Promise<string> {
  const before = w.chat.log.length;
  await submitChange(w.deps, {
    kind: 'flag.set',
    change,
    environment: ENV,
    requester: extra.requester ?? ALICE,
    channel: CHANNEL,
    jobId: `cmd-${++seq}-${w.prefix}`,
    ...(extra.revertAfterMs ? { revertAfterMs: extra.revertAfterMs } : {}),
  });
  const message = await w.chat.waitFor(
    (m) =>
      m.seq > before && m.via === 'post' && w.chat.buttons(m).some((b) => b.action_id === 'plan.approve'),
  );
  return w.chat.buttons(message).find((b) => b.action_id === 'plan.approve')!.value;
}

/** Waits for the status; for `applied` also for the announcement (result, audit), which comes just after. */
export async function statusOf(w: TestWorld, planId: string, status: PlanStatus): Promise<Plan> {
  return eventually(async () => {
    const p = await w.deps.plans.get(planId);
    if (status === 'applied' && !p?.resultTs) return undefined;
    return p?.status === status ? p : undefined;
  });
}

/** Waits for the newest audit entry to match (it is written right after the user-visible step). */
export async function lastAudit(w: TestWorld, match: (a: AuditRecord) => boolean): Promise<AuditRecord> {
  return eventually(async () => {
    const [latest] = await w.deps.audit.latest(1);
    return latest && match(latest) ? latest : undefined;
  });
}

export async function setFlag(w: TestWorld, name: string, value: string): Promise<void> {
  await w.redis.hset(`${w.prefix}:flags`, name, value);
}

export async function flag(w: TestWorld, name: string): Promise<string | null> {
  return w.redis.hget(`${w.prefix}:flags`, name);
}
