import { describe, expect, it } from 'vitest';
import type { CheckReport, CheckResult } from '../../src/checks/check.js';
import { renderProgress, renderSummary } from '../../src/jobs/diagnose/render-diagnosis.js';
import { validateBlocks } from '../../src/sandbox/slack/block-kit/validate-blocks.js';

const head = { env: 'ai.coder.com', area: 'all', requester: 'U0VIEWER' };
const result = (status: CheckResult['status'], summary: string, evidence: string[] = []): CheckResult => ({
  status,
  subject: 's',
  summary,
  evidence,
});
const report = (id: string, results: CheckResult[]): CheckReport => ({
  id,
  title: id,
  status: results.some((r) => r.status === 'fail')
    ? 'fail'
    : results.some((r) => r.status === 'warn')
      ? 'warn'
      : 'ok',
  results,
  ms: 5,
});

describe('the diagnosis message', () => {
  it('puts failures first with their evidence and fix button, and green checks one line each', () => {
    const reports = [
      report('Node storage', [result('ok', 'us-east-2: highest 40 %')]),
      report('Provisioner job queue', [result('fail', 'org `default`: 9 builds queued', ['9 jobs waiting'])]),
    ];
    const s = renderSummary(
      head,
      reports,
      new Map([['Provisioner job queue', { id: 'fx-0123456789ab', label: 'Scale provisioners to 15' }]]),
      1234,
    );
    expect(validateBlocks(s.blocks)).toEqual([]);
    const texts = s.blocks.map((b) => JSON.stringify(b));
    expect(texts[0]).toContain('(asked by <@U0VIEWER>): ❌ 1 · ✅ 1 · 1.2 s');
    expect(texts[1]).toContain('❌ *Provisioner job queue*');
    expect(texts[1]).toContain('› 9 jobs waiting');
    expect(texts[1]).toContain('"action_id":"diagnose.fix"');
    expect(texts[1]).toContain('"value":"fx-0123456789ab"');
    expect(texts[2]).toContain('✅ *Node storage* — us-east-2: highest 40 %');
    expect(s.text).toContain('fix offered: Scale provisioners to 15');
    expect(s.details).toEqual([]);
  });

  it('moves evidence that does not fit to the thread instead of truncating it away', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      result(
        'fail',
        `pod-${i} crash-looping`,
        Array.from({ length: 5 }, (__, j) => `evidence ${i}.${j} ${'x'.repeat(80)}`),
      ),
    );
    const reports = Array.from({ length: 14 }, (_, k) => report(`check ${k}`, many));
    const s = renderSummary(head, reports, new Map(), 900);
    expect(validateBlocks(s.blocks)).toEqual([]);
    const total = s.blocks.map((b) => JSON.stringify(b)).join('').length;
    expect(total).toBeLessThan(13_000);
    expect(s.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(s.blocks)).toContain('Full evidence in the thread.');
    // The thread carries it, in messages Slack accepts, without flooding the channel.
    expect(s.details.length).toBeLessThanOrEqual(12);
    for (const d of s.details) {
      expect(validateBlocks(d.blocks)).toEqual([]);
      expect(JSON.stringify(d.blocks).length).toBeLessThan(13_000);
    }
    expect(JSON.stringify(s.details[0]?.blocks)).toContain('check 0* — every finding');
    expect(s.details.at(-1)?.text).toContain('more messages of evidence left out');

    const few = renderSummary(head, [report('crash', many.slice(0, 8))], new Map(), 900);
    expect(few.details.map((d) => JSON.stringify(d.blocks)).join('')).toContain('evidence 7.4');
  });

  it('shows progress with the bad news so far', () => {
    const p = renderProgress(head, [report('DNS records', [result('fail', 'drift')])], 14);
    expect(p.text).toContain('1/14 checks answered — ❌ DNS records');
    expect(validateBlocks(p.blocks)).toEqual([]);
  });
});
