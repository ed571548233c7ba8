import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { ago, plural, quoted } from './describe.js';
import { perCluster } from './per-part.js';
import { podTarget, provisionersFirst } from './pod-target.js';

const OOM_RECENT_MS = 3_600_000;
const RESTART_RECENT_MS = 10 * 60_000;
const SHOWN = 6;

/** Containers in CrashLoopBackOff or killed for memory (OOMKilled), provisioners first. */
export const crashLoopCheck: Check = {
  id: 'crash-loops',
  title: 'Crash loops and OOM kills',
  situations: ['restarts', 'provisioners', 'litellm'],
  run: (ctx) =>
    perCluster(ctx, async (clusterId): Promise<CheckResult[]> => {
      const active = await ctx.cluster(clusterId).activePods();
      const findings = [...active.problems].sort(provisionersFirst(ctx.env, clusterId)).flatMap((p) =>
        p.containers.flatMap((c) => {
          // Between two back-offs a crash-looping container runs (not ready) for a moment.
          const restarting =
            c.restarts > 0 &&
            !c.ready &&
            c.lastTerminated !== undefined &&
            c.lastTerminated.reason !== 'Completed' &&
            (c.lastTerminated.finishedAt === undefined ||
              ctx.now - c.lastTerminated.finishedAt < RESTART_RECENT_MS);
          const looping = c.waiting?.reason === 'CrashLoopBackOff' || restarting;
          const oom =
            c.lastTerminated?.reason === 'OOMKilled' &&
            (c.lastTerminated.finishedAt === undefined ||
              ctx.now - c.lastTerminated.finishedAt < OOM_RECENT_MS);
          if (!looping && !oom) return [];
          return [{ pod: p, container: c, looping, oom }];
        }),
      );
      if (!findings.length)
        return [
          {
            status: 'ok',
            subject: clusterId,
            summary: `${clusterId}: no crash loops or OOM kills`,
            evidence: [],
          },
        ];
      const targets = [
        ...new Set(findings.map((f) => podTarget(ctx.env, clusterId, f.pod)?.target).filter(Boolean)),
      ] as string[];
      const looping = findings.filter((f) => f.looping).length;
      const oom = findings.filter((f) => f.oom).length;
      const what = [
        looping ? `${plural(looping, 'container')} crash-looping` : '',
        oom ? `${oom} OOMKilled` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return [
        {
          status: looping ? 'fail' : 'warn',
          subject: clusterId,
          summary: `${clusterId}: ${what}${targets.length ? ` (${targets.map(code).join(', ')})` : ''}`,
          evidence: [
            ...findings.slice(0, SHOWN).map(({ pod, container: c, oom: killed }) => {
              const last = c.lastTerminated;
              const exit = last
                ? `, last exit ${last.exitCode} ${code(last.reason)}${last.finishedAt !== undefined ? ` ${ago(last.finishedAt, ctx.now)}` : ''}`
                : '';
              const limit = killed && c.memoryLimit ? ` (memory limit ${code(c.memoryLimit)})` : '';
              const waiting = c.waiting ? `${code(c.waiting.reason)}, ` : '';
              return `${code(`${pod.namespace}/${pod.name}`)} container ${code(c.name)}: ${waiting}${plural(c.restarts, 'restart')}${exit}${limit}${c.waiting?.message && c.waiting.reason !== 'CrashLoopBackOff' ? ` — ${quoted(c.waiting.message, 120)}` : ''}`;
            }),
            ...(findings.length > SHOWN ? [`… and ${findings.length - SHOWN} more`] : []),
          ],
        },
      ];
    }),
};
