import { type Opsbot, startOpsbot } from '../../src/app/start-opsbot.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { shiftDelayedJobs } from '../../src/sandbox/shift-delayed-jobs.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import type { Workshop } from '../../src/workshop/workshop-record.js';
import { WorkshopStore } from '../../src/workshop/workshop-store.js';
import { buttonsOf, current } from '../scale/e2e-kit.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Drives a sandbox through a workshop's timeline: the simulated clock and BullMQ's delayed jobs move together. */
export class WorkshopDriver {
  bot: Opsbot;

  constructor(readonly sandbox: Sandbox) {
    this.bot = sandbox.bot!;
  }

  now(): number {
    return this.sandbox.sim.clock.now();
  }

  /** A whole-minute time `ms` from now, as ISO 8601 (what a person types). */
  isoIn(ms: number): { at: number; iso: string } {
    const at = Math.ceil((this.now() + ms) / MIN) * MIN;
    return { at, iso: `${new Date(at).toISOString().slice(0, 16)}Z` };
  }

  /** Waits until no job is running or waiting, so none computes its delays from a clock about to move. */
  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.bot.deps.queue.jobs.counts();
      if ((c.active ?? 0) + (c.waiting ?? 0) + (c.prioritized ?? 0) === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still busy: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async advance(ms: number): Promise<void> {
    await this.idle();
    this.sandbox.sim.clock.advance(ms);
    await shiftDelayedJobs(this.bot.deps.redis, this.bot.deps.prefix, ms);
  }

  /** Moves the clock to just past `at`. */
  async advanceTo(at: number): Promise<void> {
    await this.advance(Math.max(0, at - this.now() + 1_000));
  }

  store(): WorkshopStore {
    return new WorkshopStore(this.bot.deps.redis, this.bot.deps.prefix);
  }

  async workshop(name: string): Promise<Workshop> {
    const all = await this.store().list('ai.coder.com');
    const w = all.find((x) => x.name === name);
    if (!w) throw new Error(`no workshop ${name}`);
    return w;
  }

  /** Waits until a step of the workshop has run (or failed/skipped). */
  async stepSettled(name: string, step: keyof Workshop['steps'], timeoutMs = 60_000): Promise<Workshop> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const w = await this.workshop(name);
      if (['done', 'failed', 'skipped'].includes(w.steps[step].status)) return w;
      if (Date.now() > deadline) throw new Error(`step ${step} of ${name} is ${w.steps[step].status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  thread(parent: RecordedMessage): RecordedMessage[] {
    return current(this.sandbox).filter((m) => m.thread_ts === parent.ts);
  }

  /** The pending plan in the thread whose text matches. */
  pendingPlanIn(parent: RecordedMessage, pattern: RegExp): Promise<RecordedMessage> {
    return this.sandbox.slack.waitFor(
      (m) =>
        m.thread_ts === parent.ts &&
        pattern.test(m.text) &&
        buttonsOf(m).some((b) => b.action_id === 'plan.approve'),
      30_000,
    );
  }

  /** Stops the bot and starts a fresh one on the same Redis: what a deploy or a crash does. */
  async restartBot(): Promise<void> {
    await this.bot.stop();
    this.bot = await startOpsbot({
      config: loadConfig(this.sandbox.botEnv),
      environments: await loadInventory('infra'),
      clock: this.sandbox.sim.clock,
      awsCredentials: async () => ({
        accessKeyId: this.sandbox.state.aws.accessKeyId,
        secretAccessKey: this.sandbox.state.aws.secretAccessKey,
      }),
      host: '127.0.0.1',
      alertEverySeconds: 0,
    });
    // The Slack driver signs requests to the URL in the state: point it at the new bot.
    (this.sandbox.state.slack as { eventsUrl: string }).eventsUrl =
      `http://127.0.0.1:${this.bot.port()}/slack/events`;
  }

  /** What Slack saw, for a failing test's output. */
  dump(): void {
    for (const m of this.sandbox.slack.messages())
      console.log(`${m.seq} ${m.via} ${m.thread_ts ? '  ↳ ' : ''}${m.text.slice(0, 300)}`);
  }

  async stop(): Promise<void> {
    if (this.bot !== this.sandbox.bot) await this.bot.stop();
  }
}
