import { CHANGE_KINDS } from '../changes/change-kinds.js';
import { nextRotationWindow } from '../changes/rotation/rotation-window.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { ago } from './describe.js';
import { perPart } from './per-part.js';

const PAUSE_MS = 3 * 3_600_000;
/** A rotation this recent explains workspaces that just restarted. */
const JUST_ROTATED_MS = 3_600_000;
/** Past the interval's end by this much, the rotator is probably stuck. */
const OVERDUE_MS = 30 * 60_000;

/** The key rotator: running or paused, the last rotation (it restarts every workspace), the next one. */
export const keyRotationCheck: Check = {
  id: 'key-rotation',
  title: 'LiteLLM key rotation',
  situations: ['restarts', 'litellm'],
  async run(ctx) {
    const rotation = ctx.env.rotation;
    const d = ctx.env.deployments.find((x) => x.target === rotation?.deployment);
    if (!rotation || !d) return [];
    return perPart(
      ctx,
      [d],
      (x) => x.target,
      async (): Promise<CheckResult[]> => {
        const view = ctx.cluster(d.cluster);
        const [live, last] = await Promise.all([
          view.deployment(d.namespace, d.name),
          view.secretUpdatedAt(rotation.secret.namespace, rotation.secret.name),
        ]);
        if (!live)
          return [
            {
              status: 'fail',
              subject: d.target,
              summary: `rotator ${code(`${d.namespace}/${d.name}`)} not found in ${d.cluster}`,
              evidence: [],
            },
          ];
        const lastText = last !== undefined ? `last rotation ${ago(last, ctx.now)}` : 'last rotation unknown';
        if (live.desired === 0)
          return [
            {
              status: 'ok',
              subject: d.target,
              summary: `paused (rotator at 0 replicas), ${lastText}: no rotation will restart workspaces`,
              evidence: [],
            },
          ];
        const { min, max } = rotation.intervalHours;
        const window = nextRotationWindow(ctx.env, last);
        const pause = {
          kind: CHANGE_KINDS.rotation,
          change: {
            environment: ctx.env.name,
            paused: true,
            forMs: PAUSE_MS,
            reason: '/diagnose: rotation due soon',
          },
          label: 'Pause rotation for 3 h',
          revertAfterMs: PAUSE_MS,
        };
        const results: CheckResult[] = [];
        if (last !== undefined && ctx.now - last < JUST_ROTATED_MS)
          results.push({
            status: 'warn',
            subject: d.target,
            summary: `keys rotated ${ago(last, ctx.now)}: every workspace restarted then`,
            evidence: [
              `secret ${code(`${rotation.secret.namespace}/${rotation.secret.name}`)} rewritten ${ago(last, ctx.now)}; the rotator restarts workspaces on each rotation (every ${min}–${max} h)`,
            ],
            since: last,
          });
        if (
          window &&
          window.from - ctx.now < ctx.options.rotationDueWithinMs &&
          ctx.now <= window.to + OVERDUE_MS
        )
          results.push({
            status: 'warn',
            subject: d.target,
            summary: `next key rotation due ${window.from <= ctx.now ? 'now' : ago(window.from, ctx.now)}: it will restart every workspace`,
            evidence: [
              `${lastText}; rotation every ${min}–${max} h → due ${ago(window.from, ctx.now)} to ${ago(window.to, ctx.now)}`,
            ],
            remediation: pause,
          });
        else if (window && ctx.now > window.to + OVERDUE_MS)
          // Overdue is a broken rotator (keys not renewed), not routine: the one key-rotation finding alerts fire on.
          results.push({
            status: 'fail',
            subject: d.target,
            summary: `no rotation since ${ago(last ?? ctx.now, ctx.now).replace(' ago', '')} (expected every ${min}–${max} h): is the rotator working?`,
            evidence: [`rotator ${live.ready}/${live.desired} ready; ${lastText}`],
          });
        if (!results.length)
          results.push({
            status: 'ok',
            subject: d.target,
            summary: `running (${live.ready}/${live.desired} ready), ${lastText}${window ? `, next due ${ago(window.from, ctx.now)}` : ''}`,
            evidence: [],
          });
        return results;
      },
    );
  },
};
