import { describe, expect, it } from 'vitest';
import { describeJob } from '../../src/jobs/ops/describe-job.js';
import type { Plan } from '../../src/plans/plan.js';
import type { PlanStore } from '../../src/plans/plan-store.js';
import type { JobSummary } from '../../src/queue/job-introspection.js';

const plan = {
  id: 'p-1a2b3c4d5e6f',
  summary: 'scale `provisioners` to 8 (workshop)',
  status: 'pending',
  expiresAt: Date.UTC(2026, 11, 2, 5, 29),
} as Plan;
const deps = { plans: { get: async () => plan } as unknown as PlanStore, kinds: new Map() };
const job = (over: Partial<JobSummary>): JobSummary => ({
  id: 'x',
  name: 'ops.status',
  state: 'completed',
  attempts: 1,
  maxAttempts: 1,
  createdAt: 0,
  ...over,
});

describe('/ops jobs says what a job does, not its queue id', () => {
  it('a plan waiting for approval, by its summary', async () => {
    const d = await describeJob(
      job({ name: 'plan.expire', state: 'delayed', payload: { planId: plan.id } }),
      deps,
    );
    expect(d.what).toBe('scale `provisioners` to 8 (workshop) (plan `p-1a2b3c4d5e6f`)');
    expect(d.state).toMatch(/^waiting for approval, expires <!date\^\d+\^/);
  });

  it('a command as it was typed, an apply and a scheduled revert by their plan', async () => {
    const typed = job({ payload: { request: { command: '/ops', text: 'status --env ai.coder.com' } } });
    expect((await describeJob(typed, deps)).what).toBe('`/ops status --env ai.coder.com`');
    const apply = job({ name: 'plan.apply', payload: { planId: plan.id } });
    expect((await describeJob(apply, deps)).what).toBe(`apply ${plan.summary} (plan \`${plan.id}\`)`);
    const revert = job({ name: 'plan.revert', state: 'delayed', payload: { planId: plan.id } });
    expect((await describeJob(revert, deps)).what).toMatch(/^scheduled revert of scale/);
    expect((await describeJob(job({ name: 'plan.sweep' }), deps)).what).toContain('settle applies');
  });
});
