import type { Redis } from 'ioredis';
import {
  type Plan,
  PlanDoc,
  type PlanDocInput,
  PlanState,
  type PlanStateField,
  type PlanStatus,
} from './plan.js';

// Status changes are one Lua call: a double click or two workers can never both move a plan out of a state.
// A pending plan past its expiresAt becomes `expired` on the first transition attempt after that.
// ARGV[4], when set, is a fencing token: only the apply run that wrote `runToken` last may move the plan.
const TRANSITION = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing', ''} end
if ARGV[4] ~= '' and redis.call('HGET', KEYS[1], 'runToken') ~= ARGV[4] then return {'fenced', status} end
if status == 'pending' and tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then
  redis.call('HSET', KEYS[1], 'status', 'expired', 'updatedAt', ARGV[1])
  status = 'expired'
end
for from in string.gmatch(ARGV[3], '[^,]+') do
  if from == status then
    redis.call('HSET', KEYS[1], 'status', ARGV[2], 'updatedAt', ARGV[1])
    for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
    return {'ok', status}
  end
end
return {'refused', status}
`;
// Sets a field only while it still holds the expected value ('' = unset): claims such as "undo pending".
const COMPARE_AND_SET = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;
// KEYS: plan hash, index zset. ARGV: keepMs, createdAt, id, then field/value pairs.
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[1]))
return 1
`;
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

export type TransitionResult =
  | { ok: true; from: PlanStatus }
  | { ok: false; status: PlanStatus | 'missing'; fenced?: boolean };

export interface PlanStoreOptions {
  redis: Redis;
  prefix: string;
  /** How long a plan is kept after it is made, whatever its status (default 7 days), for Undo and `/ops`. */
  retainMs?: number;
}

/** Plans in Redis hashes `<prefix>:plan:<id>`: the doc as JSON plus one field per mutable state. */
export class PlanStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retainMs: number;

  constructor(options: PlanStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.retainMs = options.retainMs ?? 7 * 24 * 3600_000;
  }

  private key(id: string): string {
    return `${this.prefix}:plan:${id}`;
  }

  private indexKey(): string {
    return `${this.prefix}:plans`;
  }

  /** Stores a new plan; false if one with this id exists already (a retried plan job). */
  async create(
    input: PlanDocInput,
    initial: { status: 'pending' } | { status: 'approved'; approver: string },
  ): Promise<boolean> {
    const doc = PlanDoc.parse(input);
    const key = this.key(doc.id);
    const fields: Record<string, string> = {
      doc: JSON.stringify(doc),
      expiresAt: String(doc.expiresAt),
      status: initial.status,
      updatedAt: String(doc.createdAt),
    };
    if (initial.status === 'approved')
      Object.assign(fields, { approver: initial.approver, approvedAt: String(doc.createdAt) });
    const keepMs = Math.max(
      this.retainMs,
      doc.expiresAt - doc.createdAt,
      (doc.revertAfterMs ?? 0) + 24 * 3600_000,
    );
    const args = Object.entries(fields).flat();
    const created = await this.redis.eval(
      CREATE,
      2,
      key,
      this.indexKey(),
      String(keepMs),
      String(doc.createdAt),
      doc.id,
      ...args,
    );
    return created === 1;
  }

  private pendingKey(environment: string, user: string): string {
    return `${this.prefix}:plans:pending:${environment}:${user}`;
  }

  /**
   * Plans `user` has waiting for approval in `environment`, counted from a per-user index (ids scored by
   * expiry) so a flood of plans is refused in O(cap) reads, never a scan.
   */
  async pendingOf(environment: string, user: string, now: number): Promise<string[]> {
    const key = this.pendingKey(environment, user);
    await this.redis.zremrangebyscore(key, '-inf', String(now));
    const ids = await this.redis.zrange(key, '0', '-1');
    const statuses = await Promise.all(ids.map((id) => this.redis.hget(this.key(id), 'status')));
    const done = ids.filter((_, i) => statuses[i] !== 'pending');
    if (done.length) await this.redis.zrem(key, ...done);
    return ids.filter((_, i) => statuses[i] === 'pending');
  }

  /** Adds a pending plan to its requester's index (see pendingOf). */
  async indexPending(environment: string, user: string, id: string, expiresAt: number): Promise<void> {
    const key = this.pendingKey(environment, user);
    await this.redis.zadd(key, expiresAt, id);
    await this.redis.pexpireat(key, expiresAt);
  }

  /** The newest plans first (for the App Home: open plans, scheduled reverts). */
  async recent(limit = 20): Promise<Plan[]> {
    const ids = await this.redis.zrevrange(this.indexKey(), 0, limit - 1);
    const plans = await Promise.all(ids.map((id) => this.get(id)));
    const gone = ids.filter((_, i) => !plans[i]);
    if (gone.length) await this.redis.zrem(this.indexKey(), ...gone);
    return plans.filter((p): p is Plan => p !== undefined);
  }

  async get(id: string): Promise<Plan | undefined> {
    const hash = await this.redis.hgetall(this.key(id));
    if (!hash.doc || !hash.status) return undefined;
    const doc = PlanDoc.parse(JSON.parse(hash.doc));
    const { doc: _doc, expiresAt: _expiresAt, ...state } = hash;
    return { ...doc, ...PlanState.parse(state) };
  }

  /**
   * Moves the plan from one of `from` to `to`, setting `fields` with it; refuses from any other status.
   * With `fence`, refuses unless the plan's `runToken` is that token (a replaced apply run cannot write).
   */
  async transition(
    id: string,
    from: PlanStatus[],
    to: PlanStatus,
    now: number,
    fields: Partial<Record<PlanStateField, string | number>> = {},
    fence?: string,
  ): Promise<TransitionResult> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    const [outcome, status] = (await this.redis.eval(
      TRANSITION,
      1,
      this.key(id),
      String(now),
      to,
      from.join(','),
      fence ?? '',
      ...args,
    )) as [string, string];
    if (outcome === 'ok') return { ok: true, from: status as PlanStatus };
    if (outcome === 'fenced') return { ok: false, status: status as PlanStatus, fenced: true };
    return { ok: false, status: outcome === 'missing' ? 'missing' : (status as PlanStatus) };
  }

  /** Sets `field` to `value` only if it currently holds `expected` (undefined: unset); false otherwise. */
  async compareAndSet(
    id: string,
    field: PlanStateField,
    expected: string | undefined,
    value: string,
  ): Promise<boolean> {
    const done = await this.redis.eval(COMPARE_AND_SET, 1, this.key(id), field, expected ?? '', value);
    return done === 1;
  }

  /** Applies a due expiry (pending past expiresAt → expired) and returns the status then. */
  async statusAt(id: string, now: number): Promise<PlanStatus | 'missing'> {
    const result = await this.transition(id, [], 'pending', now);
    return result.ok ? result.from : result.status;
  }

  /** Sets bookkeeping fields (message ts, result …) without touching the status; false if the plan is gone. */
  async update(id: string, fields: Partial<Record<PlanStateField, string | number>>): Promise<boolean> {
    const args = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    return (await this.redis.eval(UPDATE, 1, this.key(id), ...args)) === 1;
  }
}
