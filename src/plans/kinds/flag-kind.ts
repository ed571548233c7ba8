import type { Redis } from 'ioredis';
import { z } from 'zod';
import { throwIfAborted } from '../../ports/call-options.js';
import { type ChangeKind, defineChangeKind } from '../change-kind.js';

export const FlagChange = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'flag names are lowercase words joined by -'),
  /** null clears the flag. */
  value: z.string().min(1).max(200).nullable(),
});
export type FlagChange = z.infer<typeof FlagChange>;

export const FlagState = z.object({ value: z.string().nullable() });
export type FlagState = z.infer<typeof FlagState>;

export interface FlagHistoryEntry {
  name: string;
  from: string | null;
  to: string | null;
  planId: string;
}

// Compare-and-set in one step: a re-run (crash, retry) finds the value already set and records nothing.
const SET_FLAG = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local target = ARGV[3] == '1' and ARGV[2] or false
if current == target then return 0 end
if target then redis.call('HSET', KEYS[1], ARGV[1], target) else redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('RPUSH', KEYS[2], ARGV[4])
return 1
`;

export interface FlagKindOptions {
  redis: Redis;
  prefix: string;
  /** Instrumentation around the write, e.g. to observe or interrupt an apply in tests. */
  hooks?: { beforeWrite?(change: FlagChange): Promise<void>; afterWrite?(change: FlagChange): Promise<void> };
}

/**
 * Operator flags (e.g. a maintenance banner) kept in Redis: the smallest real resource that goes through
 * the plan lifecycle, and the example for writing a kind. Every write is recorded in a history list.
 */
export function createFlagKind(options: FlagKindOptions): ChangeKind<FlagChange, FlagState> {
  const { redis, hooks } = options;
  const flagsKey = `${options.prefix}:flags`;
  const historyKey = `${options.prefix}:flags:history`;
  const show = (value: string | null) => (value === null ? 'unset' : `"${value}"`);
  return defineChangeKind({
    kind: 'flag.set',
    action: () => 'flag.set',
    change: FlagChange,
    live: FlagState,
    resources: (change) => [`flag:${change.name}`],
    summary: (c) =>
      c.value === null ? `clear flag \`${c.name}\`` : `set flag \`${c.name}\` to ${show(c.value)}`,
    async readLive(change) {
      return { value: await redis.hget(flagsKey, change.name) };
    },
    afterOf: (change) => ({ value: change.value }),
    equals: (a, b) => a.value === b.value,
    async apply(change, { planId, signal }) {
      await hooks?.beforeWrite?.(change);
      // Redis takes no signal: an aborted run (its lock lost) stops here, before the write.
      throwIfAborted(signal);
      const from = await redis.hget(flagsKey, change.name);
      const entry: FlagHistoryEntry = { name: change.name, from, to: change.value, planId };
      const isSet = change.value === null ? '0' : '1';
      await redis.eval(
        SET_FLAG,
        2,
        flagsKey,
        historyKey,
        change.name,
        change.value ?? '',
        isSet,
        JSON.stringify(entry),
      );
      await hooks?.afterWrite?.(change);
    },
    invert: (change, before) => ({ name: change.name, value: before.value }),
    describe: (live) => show(live.value),
  });
}

/** A flag's current value (null when unset), e.g. the ops notice that `/ops status` shows. */
export async function readFlag(redis: Redis, prefix: string, name: string): Promise<string | null> {
  return redis.hget(`${prefix}:flags`, name);
}

/** Every recorded flag write, oldest first. */
export async function flagHistory(redis: Redis, prefix: string): Promise<FlagHistoryEntry[]> {
  const rows = await redis.lrange(`${prefix}:flags:history`, 0, -1);
  return rows.map((row) => JSON.parse(row) as FlagHistoryEntry);
}
