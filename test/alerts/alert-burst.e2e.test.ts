import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/check.js';
import type { Environment } from '../../src/inventory/schema.js';
import { evaluateAlerts } from '../../src/jobs/alerts/evaluate-alerts.js';
import { RateWindow } from '../../src/sandbox/slack/rate-window.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { control } from '../diagnose/diagnose-kit.js';
import { until } from '../scale/e2e-kit.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = (await startE2E()).sandbox;
});
afterAll(async () => {
  await sandbox?.close();
});

// Enough for the pace to matter (more than one run sends), few enough that the test takes seconds, not half a minute.
const COUNT = 14;
const subjects = Array.from({ length: COUNT }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);

/** A check failing on COUNT subjects at once: that many alerts firing in one run. */
const burst: Check = {
  id: 'burst',
  title: 'Burst',
  situations: [],
  run: async () =>
    subjects.map((subject) => ({ status: 'fail', subject, summary: `${subject} is failing`, evidence: [] })),
};

const deps = () => sandbox.bot!.deps;
/** The environment alerting on that check alone, firing on its first failing run. */
const env = (): Environment => {
  const e = deps().environments.get('ai.coder.com')!;
  return {
    ...e,
    alerts: { ...e.alerts!, fireAfter: 1, checks: [{ id: 'burst', severity: 'critical', fireOn: 'fail' }] },
  };
};

const posts = () =>
  sandbox.slack
    .messages()
    .filter((m) => m.via === 'chat.postMessage' && !m.thread_ts && m.text.includes('*Burst*'));

/** Posts per channel replayed through the sandbox's rate window at 1 per second: the ones it would refuse. */
function overPace(messages: RecordedMessage[]): string[] {
  let now = 0;
  const window = new RateWindow({ now: () => now }, 1, 1_000);
  return messages.flatMap((m) => {
    now = Number(m.ts) * 1000;
    return window.take(m.channel) === undefined ? [] : [`${m.channel} ${m.ts}`];
  });
}

describe('a burst of alerts', () => {
  it('a burst of alerts firing in one run goes out at one message per second per channel, every one, through 429s', async () => {
    const first = await evaluateAlerts(deps(), env(), { checks: [burst] });
    expect(first.fired).toHaveLength(COUNT);
    // The run sends what the pace allows within its few seconds and leaves the rest to `alerts.deliver`.
    expect(posts().length).toBeGreaterThan(0);
    expect(posts().length).toBeLessThan(COUNT);
    expect(first.pendingUntil).toBeGreaterThan(0);

    // Slack answers 429 more often than the client retries: that message waits its Retry-After, none is lost.
    await control(sandbox, 'faults', { api: 'slack', status: 429, count: 4, retryAfter: 1 });
    // The next run comes while the burst is still going out: it fires nothing again and keeps the pace.
    const sentByRun = posts().length;
    await until(() => posts().length > sentByRun, 30_000);
    for (;;) {
      const next = await evaluateAlerts(deps(), env(), { checks: [burst] });
      if (next.skipped) continue;
      expect(next.fired).toEqual([]);
      break;
    }

    await until(() => posts().length >= COUNT, 60_000);
    await sandbox.slack.settle();
    const all = posts();
    expect(all.map((m) => m.text.match(/`(node-\d+)`/)?.[1]).sort()).toEqual(subjects);
    // Every message opsbot sent to the alert channel meanwhile (the audit channel has its mirror's own pace).
    const channel = all[0]!.channel;
    const sent = sandbox.slack
      .messages()
      .filter((m) => m.via === 'chat.postMessage' && m.channel === channel);
    expect(overPace(sent)).toEqual([]);
    const span = Number(all.at(-1)!.ts) - Number(all[0]!.ts);
    expect(span).toBeGreaterThanOrEqual(COUNT - 1);
  }, 90_000);
});
