import type { Redis } from 'ioredis';
import {
  STEPS,
  type StepName,
  StepState,
  type Workshop,
  WorkshopDoc,
  WorkshopState,
} from './workshop-record.js';

const CREATE = `
if redis.call('HEXISTS', KEYS[1], 'doc') == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1`;

/**
 * Workshops in Redis: one hash each (the doc, the state, one field per step, so steps finishing at once
 * never overwrite each other) and an index per environment ordered by end time.
 */
export class WorkshopStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:workshop:${id}`;
  }

  private index(environment: string): string {
    return `${this.prefix}:workshops:${environment}`;
  }

  /** Stores a new workshop with its steps; false when the id exists (a retried prep). */
  async create(doc: WorkshopDoc, steps: Record<StepName, StepState>): Promise<boolean> {
    const fields: Record<string, string> = {
      doc: JSON.stringify(WorkshopDoc.parse(doc)),
      state: 'scheduled',
    };
    for (const name of STEPS) fields[`step:${name}`] = JSON.stringify(StepState.parse(steps[name]));
    // One script, so a crash can never leave a workshop without its steps or out of the index.
    const created = await this.redis.eval(
      CREATE,
      2,
      this.key(doc.id),
      this.index(doc.environment),
      doc.end,
      doc.id,
      ...Object.entries(fields).flat(),
    );
    return created === 1;
  }

  async get(id: string): Promise<Workshop | undefined> {
    const hash = await this.redis.hgetall(this.key(id));
    if (!hash.doc) return undefined;
    const doc = WorkshopDoc.parse(JSON.parse(hash.doc));
    const steps = Object.fromEntries(
      STEPS.map((name) => [name, StepState.parse(JSON.parse(hash[`step:${name}`] ?? 'null'))]),
    ) as Record<StepName, StepState>;
    return { ...doc, state: WorkshopState.parse(hash.state ?? 'scheduled'), steps };
  }

  async setThread(id: string, threadTs: string): Promise<void> {
    const w = await this.get(id);
    if (!w || w.threadTs) return;
    const { state: _s, steps: _t, ...doc } = w;
    await this.redis.hset(this.key(id), 'doc', JSON.stringify({ ...doc, threadTs }));
  }

  async setStep(id: string, step: StepName, state: StepState): Promise<void> {
    await this.redis.hset(this.key(id), `step:${step}`, JSON.stringify(StepState.parse(state)));
  }

  async updateStep(id: string, step: StepName, patch: Partial<StepState>, now: number): Promise<StepState> {
    const current = (await this.get(id))?.steps[step];
    if (!current) throw new Error(`workshop ${id} has no step ${step}`);
    const next = { ...current, ...patch, updatedAt: now };
    await this.setStep(id, step, next);
    return next;
  }

  async setState(id: string, state: WorkshopState): Promise<void> {
    await this.redis.hset(this.key(id), 'state', state);
  }

  /** Workshops of an environment ending at or after `since`, soonest end first. */
  async list(environment: string, since = 0): Promise<Workshop[]> {
    const ids = await this.redis.zrangebyscore(this.index(environment), since, '+inf');
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((w): w is Workshop => w !== undefined).sort((a, b) => a.start - b.start);
  }

  /** What the preview showed at prep (re-rendered with the timeline as steps finish). */
  async setPreview(id: string, facts: unknown): Promise<void> {
    await this.redis.hset(this.key(id), 'preview', JSON.stringify(facts));
  }

  async preview(id: string): Promise<unknown> {
    const raw = await this.redis.hget(this.key(id), 'preview');
    return raw ? JSON.parse(raw) : undefined;
  }

  /** Per-key slots for posting once across crashes (see postOnceIn). */
  slotStore(id: string) {
    const key = this.key(id);
    return {
      get: (slot: string) => this.redis.hget(key, `post:${slot}`),
      claimed: async (slot: string) => (await this.redis.hexists(key, `claim:${slot}`)) === 1,
      claim: (slot: string, at: number) => this.redis.hset(key, `claim:${slot}`, String(at)).then(() => {}),
      record: (slot: string, ts: string) => this.redis.hset(key, `post:${slot}`, ts).then(() => {}),
    };
  }
}
