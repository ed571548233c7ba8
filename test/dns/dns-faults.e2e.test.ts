import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { planIn, recordsAt, run, shown, useDnsSandbox, ZONE } from './dns-test-kit.js';

const LONDON = 'ai-coder-london-9b2d4f6a8c0e1357.elb.eu-west-2.amazonaws.com';

const sandbox = useDnsSandbox();

/** Approves `plan` as operator2 and waits for its outcome in the thread (retries run as delayed jobs). */
async function approveAndWait(plan: Parameters<Sandbox['slack']['press']>[1], outcome: RegExp) {
  await sandbox.slack.press('operator2', plan, 'plan.approve');
  return sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && outcome.test(m.text), 20_000);
}

describe('Cloudflare failures on apply', () => {
  it('retries a 429 after the retry-after it was given, then applies', async () => {
    const { msgs } = await run(sandbox, 'operator', '/dns update retry.ai.coder.com A 34.117.5.9');
    const plan = planIn(msgs);
    sandbox.sim.faults.fail('cloudflare', { status: 429, count: 2, retryAfter: 1 });
    const result = await approveAndWait(plan, /Applied|not applied/);
    expect(result.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, 'retry.ai.coder.com', 'A').map((r) => r.content)).toEqual(['34.117.5.9']);
  });

  it('reports a persistent 500 after bounded retries and leaves the record as it was', async () => {
    const { msgs } = await run(
      sandbox,
      'operator',
      '/dns update emea-proxy.ai.coder.com CNAME dr.elb.eu-west-2.amazonaws.com',
    );
    const plan = planIn(msgs);
    const before = sandbox.sim.cloudflare.control.requestCount();
    sandbox.sim.faults.fail('cloudflare', { status: 500, count: 1000 });
    const result = await approveAndWait(plan, /Applied|not applied/);
    sandbox.sim.faults.reset();
    expect(result.text).toContain('was not applied');
    expect(result.text).toContain('still failing after 3 attempts');
    // 3 attempts with at most one SDK retry each, and one read-back to say where things stand: the API
    // budget is not burnt by retries.
    expect(sandbox.sim.cloudflare.control.requestCount() - before).toBeLessThanOrEqual(8);
    expect(recordsAt(sandbox, 'emea-proxy.ai.coder.com', 'CNAME').map((r) => r.content)).toEqual([LONDON]);
  });

  it("applies several records as one batch: Cloudflare's refusal of one item changes none", async () => {
    sandbox.sim.cloudflare.control.deleteRecord(ZONE, 'emea-proxy.ai.coder.com', 'CNAME');
    sandbox.sim.cloudflare.control.setRecord(ZONE, '*.emea-proxy.ai.coder.com', 'CNAME', {
      content: 'stray.elb.eu-west-2.amazonaws.com',
    });
    const { msgs } = await run(sandbox, 'admin', '/dns sync --force');
    const plan = planIn(msgs);
    expect(shown(plan)).toContain('one Cloudflare batch');
    // Someone adds an A record where the inventory's CNAME must go; a CNAME cannot sit beside it.
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'emea-proxy.ai.coder.com', 'A', { content: '34.117.5.9' });
    const result = await approveAndWait(plan, /Applied|not applied/);
    expect(result.text).toContain('was not applied');
    expect(result.text).toContain('Cloudflare rejected');
    expect(recordsAt(sandbox, '*.emea-proxy.ai.coder.com', 'CNAME').map((r) => r.content)).toEqual([
      'stray.elb.eu-west-2.amazonaws.com',
    ]);
    expect(recordsAt(sandbox, 'emea-proxy.ai.coder.com', 'CNAME')).toEqual([]);
  });
});
