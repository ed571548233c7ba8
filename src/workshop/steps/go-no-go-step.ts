import { createHash } from 'node:crypto';
import { shortFailure } from '../../errors/short-failure.js';
import { environmentOf } from '../../jobs/job-deps.js';
import type { SmokeResult } from '../../ports/coder-workspaces.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { liveReplicas } from '../live-replicas.js';
import { planRotationPause } from '../plan-rotation-pause.js';
import { postInThread } from '../post-in-thread.js';
import { largestNeed, overlapping } from '../workshop-capacity.js';
import type { Workshop } from '../workshop-record.js';
import type { StepContext, StepRunner } from './step-outcome.js';

/**
 * T-1 hour: plan the rotation pause, run a smoke test in every region and check the capacity is in place,
 * all at once; then a go/no-go report in the thread. No-go names each reason.
 */
export const goNoGoStep: StepRunner = async (w, ctx) => {
  const { deps, store } = ctx;
  const env = environmentOf(deps, w.environment);
  const all = await store.list(w.environment, deps.clock.now());
  const others = overlapping(w, all);
  const until = Math.max(...[w, ...others].map((o) => o.steps['wind-down'].at));
  const need = largestNeed([w, ...others]);
  const [rotation, smoke, live] = await Promise.all([
    planRotationPause(deps, env, w, until, ctx.signal),
    smokeTests(w, ctx),
    liveReplicas(deps.clusters, env, need, { signal: ctx.signal }),
  ]);
  const noGo: string[] = [];
  const capacity = need.map((t) => {
    const l = live.get(t.target) ?? { desired: 0, ready: 0 };
    if (l.desired < t.replicas) {
      noGo.push(`\`${t.target}\` at ${l.desired} of ${t.replicas} replicas (is the scaling plan approved?)`);
      return `❌ \`${t.target}\`: ${l.ready}/${l.desired} ready, needs ${t.replicas}`;
    }
    if (l.ready < t.replicas)
      return `⚠️ \`${t.target}\`: ${l.ready}/${l.desired} ready (still rolling out), needs ${t.replicas}`;
    return `✅ \`${t.target}\`: ${l.ready}/${l.desired} ready, needs ${t.replicas}`;
  });
  for (const s of smoke.results.filter((r) => !r.ok))
    noGo.push(`smoke test failed in ${s.region}: ${untrusted(s.reason ?? 'unknown')}`);
  const head = noGo.length
    ? `:red_circle: *NO-GO for workshop ${code(w.name)}*: ${noGo.length === 1 ? noGo[0] : `${noGo.length} problems`}`
    : `:large_green_circle: *GO for workshop ${code(w.name)}*: capacity in place, every region's smoke test passed`;
  const sections = [
    head,
    `*Capacity*\n${capacity.join('\n') || 'no capacity table'}`,
    `*Key rotation*\n${rotation.state === 'pending' ? '⚠️' : rotation.state === 'ok' ? '✅' : '➖'} ${rotation.line}`,
    `*Smoke tests*\n${smoke.lines.join('\n')}`,
    ...(noGo.length > 1 ? [`*Why no-go*\n${noGo.map((r) => `• ${r}`).join('\n')}`] : []),
  ];
  await postInThread(deps, store, w, 'go-no-go', {
    text: head,
    blocks: sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  });
  return {
    status: noGo.length ? 'failed' : 'done',
    detail: noGo.length ? `NO-GO: ${noGo.join('; ')}` : 'GO',
    planIds: rotation.planIds,
  };
};

async function smokeTests(
  w: Workshop,
  ctx: StepContext,
): Promise<{ results: SmokeResult[]; lines: string[] }> {
  const { deps } = ctx;
  const env = environmentOf(deps, w.environment);
  const targets = env.workshop?.smoke ?? [];
  if (!deps.workspaces || !targets.length)
    return { results: [], lines: ['➖ no smoke tests configured (inventory `workshop.smoke`)'] };
  const workspaces = deps.workspaces;
  const results = await Promise.all(
    targets.map(async (t, i): Promise<SmokeResult> => {
      const probe = env.probes.find((p) => p.id === t.probe)!;
      // Unique per run: a retry (or a run beside a stalled one) never collides with a workspace still being deleted.
      const name = `smoke-${w.id.slice(2)}-${i}-${runSuffix(ctx.runToken ?? ctx.jobId)}`;
      try {
        return await workspaces.smokeTest(
          { region: t.region, probe, template: t.template, org: t.org },
          { name },
        );
      } catch (err) {
        return { region: t.region, ok: false, steps: [], reason: shortFailure(err), ms: 0 };
      }
    }),
  );
  const lines = results.map((r) =>
    r.ok
      ? `✅ ${r.region}: workspace built, command ran, deleted (${(r.ms / 1000).toFixed(1)} s)`
      : `❌ ${r.region}: ${untrusted(r.reason ?? 'failed')}${failedStep(r)}`,
  );
  return { results, lines };
}

function runSuffix(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 4);
}

function failedStep(r: SmokeResult): string {
  const step = r.steps.find((s) => !s.ok);
  return step ? ` (at ${step.name})` : '';
}
