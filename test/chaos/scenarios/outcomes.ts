import type { RecordedMessage } from '../../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../../src/sandbox/start-sandbox.js';
import { MessageTail, planIdInPost } from './chaos-sandbox.js';

/** The plan a result in a thread is about: `result-<id>` blocks (applied) or "Plan `<id>` was not applied". */
function resultFor(m: RecordedMessage): string | undefined {
  const failed = /^:x: Plan `(p-[0-9a-f]+)` was not applied/.exec(m.text)?.[1];
  if (failed) return failed;
  for (const block of m.blocks ?? []) {
    const id = /^result-(p-[0-9a-f]+)$/.exec(String(block.block_id ?? ''))?.[1];
    if (id) return id;
  }
  return undefined;
}

/**
 * What users saw in Slack, tallied incrementally: answers to `/scale recommend N` (keyed by N), plan
 * messages (keyed by plan id) and the result lines in each plan's thread.
 */
export class Outcomes {
  /** Answers to reads: `users:N` for `/scale recommend N`, `job:<id>` for `/ops job <id>` of an unknown id. */
  readonly reads = new Map<string, number>();
  readonly plans = new Map<string, number>();
  /** Plan id → ts of its message, to find its thread. */
  readonly planTs = new Map<string, string>();
  /** Plan id → result messages posted about it (in its thread). */
  readonly results = new Map<string, RecordedMessage[]>();
  /** "Could not plan that: …", ":no_entry: Plan `p-…`: …" and other failure notices sent to one user. */
  readonly told: string[] = [];
  private readonly tail: MessageTail;

  constructor(
    sandbox: Sandbox,
    private readonly channel: string,
  ) {
    this.tail = new MessageTail(sandbox);
  }

  scan(): void {
    for (const m of this.tail.fresh()) {
      const users = /^\*Capacity for (\d+) concurrent users/.exec(m.text)?.[1];
      const job = /^No job `([^`]+)`/.exec(m.text)?.[1];
      const read = users ? `users:${users}` : job ? `job:${job}` : undefined;
      if (read && m.via === 'chat.postEphemeral') this.reads.set(read, (this.reads.get(read) ?? 0) + 1);
      const planId = planIdInPost(m, this.channel);
      if (planId) {
        this.plans.set(planId, (this.plans.get(planId) ?? 0) + 1);
        if (!this.planTs.has(planId)) this.planTs.set(planId, m.ts);
      }
      const resultOf = m.via === 'chat.postMessage' && m.channel === this.channel ? resultFor(m) : undefined;
      if (resultOf) {
        const list = this.results.get(resultOf) ?? [];
        list.push(m);
        this.results.set(resultOf, list);
      }
      if (m.via === 'chat.postEphemeral' && /^(Could not plan that|:x: |:warning: |:no_entry: )/.test(m.text))
        this.told.push(m.text);
    }
  }

  /** Result messages about plan `planId`: one is right, none lost, two doubled. */
  resultsOf(planId: string): RecordedMessage[] {
    return this.results.get(planId) ?? [];
  }
}
