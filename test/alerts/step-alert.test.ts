import { describe, expect, it } from 'vitest';
import { type AlertState, alertId } from '../../src/alerts/alert-state.js';
import { renderAlert } from '../../src/alerts/render-alert.js';
import { tomorrowAtNine } from '../../src/alerts/snooze-until.js';
import { type AlertEffect, stepAlert } from '../../src/alerts/step-alert.js';
import { Alerts } from '../../src/inventory/schema.js';

const h = { fireAfter: 2, resolveAfter: 2 };
const bad = { summary: 'node `n1` 93 % used', evidence: ['largest: `a`'] };

function start(): AlertState {
  return {
    id: alertId('env', 'node-storage', 'n1'),
    environment: 'env',
    checkId: 'node-storage',
    title: 'Node ephemeral storage',
    subject: 'n1',
    severity: 'critical',
    phase: 'pending',
    failing: 0,
    passing: 0,
    firstSeenAt: 0,
    last: bad,
    outbox: [],
  };
}

/** Runs a sequence of observations (true = failing), dropping forgotten states as the evaluator does. */
function run(seq: boolean[]): AlertEffect[] {
  let state: AlertState | undefined;
  return seq.map((failing, i) => {
    if (!state && !failing) return 'none';
    const { next, effect } = stepAlert(state ?? start(), failing ? bad : undefined, h, i * 1000);
    state = effect === 'forget' ? undefined : next;
    return effect;
  });
}

describe('alert hysteresis', () => {
  it('fires after N failing runs in a row, refreshes while it lasts, resolves after M passing runs', () => {
    expect(run([true, true, true, false, false, false])).toEqual([
      'none',
      'fire',
      'refresh',
      'refresh',
      'resolve',
      'none',
    ]);
  });

  it('a value flapping every run never fires, and a firing alert flapping never resolves or re-fires', () => {
    const flap = Array.from({ length: 20 }, (_, i) => i % 2 === 0);
    expect(run(flap).filter((e) => e === 'fire' || e === 'resolve')).toEqual([]);
    const effects = run([true, true, ...flap]);
    expect(effects.filter((e) => e === 'fire')).toHaveLength(1);
    expect(effects).not.toContain('resolve');
  });

  it('a resolved alert that fails again is a new alert cycle (fires again after N runs)', () => {
    expect(run([true, true, false, false, true, true])).toEqual([
      'none',
      'fire',
      'refresh',
      'resolve',
      'none',
      'fire',
    ]);
  });

  it('ids are stable per fingerprint and fit a Slack button value', () => {
    expect(alertId('env', 'node-storage', 'n1')).toBe(alertId('env', 'node-storage', 'n1'));
    expect(alertId('env', 'node-storage', 'n2')).not.toBe(alertId('env', 'node-storage', 'n1'));
    expect(alertId('env', 'node-storage', 'n1')).toMatch(/^[\w-]{1,80}$/);
  });
});

describe('alert rendering and settings', () => {
  it('escapes the subject and shows the duration at minute granularity', () => {
    const a: AlertState = { ...start(), subject: 'n1 *bold* <!here>', phase: 'firing', firingSince: 0 };
    const r = renderAlert(a, 5 * 60_000 + 10_000);
    expect(r.text).toContain('firing for 5 min');
    expect(r.text).not.toContain('<!here>');
    expect(r.text).toContain('`n1 ∗bold∗ &lt;!here&gt;`'.replace(/∗/g, '*'));
    expect(renderAlert(a, 5 * 60_000 + 50_000).text).toBe(r.text);
    const actions = r.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'alert.ack',
      'alert.snooze1h',
      'alert.snooze4h',
      'alert.snoozetomorrow',
    ]);
  });

  it('snooze until tomorrow 09:00 is taken in the environment time zone', () => {
    const now = Date.parse('2026-03-07T20:00:00Z'); // Chicago: Sat 14:00 CST; Sunday is the DST switch
    expect(new Date(tomorrowAtNine(now, 'America/Chicago')).toISOString()).toBe('2026-03-08T14:00:00.000Z');
    expect(new Date(tomorrowAtNine(now, 'UTC')).toISOString()).toBe('2026-03-08T09:00:00.000Z');
  });

  it('the inventory section has defaults and rejects nonsense', () => {
    expect(Alerts.parse({ checks: [{ id: 'node-storage' }] })).toMatchObject({
      everySeconds: 300,
      fireAfter: 2,
      resolveAfter: 2,
      checks: [{ id: 'node-storage', severity: 'warning', fireOn: 'fail' }],
    });
    expect(Alerts.safeParse({ everySeconds: 1 }).success).toBe(false);
    expect(Alerts.safeParse({ onCall: 'U123' }).success).toBe(false);
    expect(Alerts.safeParse({ channels: { critical: '#ops' } }).success).toBe(false);
  });
});
