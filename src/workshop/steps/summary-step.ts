import { AlertStore } from '../../alerts/alert-store.js';
import type { AuditRecord } from '../../audit/audit-entry.js';
import { renderWindowChart } from '../../charts/render-window-chart.js';
import { roundedDuration, slackTime } from '../../plans/render-plan.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { postInThread } from '../post-in-thread.js';
import type { Workshop } from '../workshop-record.js';
import { type Sample, WorkshopSamples } from '../workshop-samples.js';
import { capacityWindow } from '../workshop-timeline.js';
import type { StepContext, StepRunner } from './step-outcome.js';

/**
 * End + 1 hour: what happened in the thread — every change in the environment over the window and who
 * made and approved it, the alerts, restarts, the provisioner queue and workspaces — with a chart image.
 */
export const summaryStep: StepRunner = async (w, ctx) => {
  const { deps, store } = ctx;
  // Up to now: the wind-down's own changes (scale-back, resume) belong to the workshop too.
  const window = { from: capacityWindow(w).from, to: deps.clock.now() };
  const [changes, alerts, samples] = await Promise.all([
    changesIn(ctx, w, window),
    new AlertStore(deps.redis, deps.prefix).all(w.environment),
    new WorkshopSamples(deps.redis, deps.prefix).all(w.id),
  ]);
  const fired = alerts.filter(
    (a) =>
      a.firingSince !== undefined &&
      a.firingSince < w.end &&
      (a.resolvedAt ?? Number.POSITIVE_INFINITY) > w.start,
  );
  const inWorkshop = samples.filter((s) => s.at >= w.start - 3_600_000 && s.at <= w.end);
  const head = `:checkered_flag: *Workshop ${code(w.name)} is over*: ${w.users} users, ${slackTime(w.start)} – ${slackTime(w.end)} (${roundedDuration(w.end - w.start)})`;
  const sections = [
    head,
    `*Changes* (${changes.length})\n${changes.length ? changes.join('\n') : 'none'}`,
    `*Alerts* (${fired.length})\n${fired.length ? fired.map((a) => `• ${a.severity}: ${untrusted(a.title)} — ${untrusted(a.subject)}${a.resolvedAt ? `, resolved ${slackTime(a.resolvedAt)}` : ', still firing'}`).join('\n') : 'none fired during the workshop'}`,
    `*Figures*\n${figures(inWorkshop)}`,
  ];
  await postInThread(deps, store, w, 'summary', {
    text: head,
    blocks: sections.map((text) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: text.slice(0, 2_900) },
    })),
  });
  const chart = await uploadChart(w, inWorkshop, ctx);
  return { status: 'done', detail: `summary posted${chart ? ' with its chart' : ' (no samples to chart)'}` };
};

async function changesIn(
  ctx: StepContext,
  w: Workshop,
  window: { from: number; to: number },
): Promise<string[]> {
  const entries = await ctx.deps.audit.latestMatching(
    50,
    (e: AuditRecord) =>
      e.environment === w.environment && e.outcome === 'applied' && e.at >= window.from && e.at <= window.to,
  );
  // Audit details are composed by opsbot with every outside value already escaped (as the audit mirror posts them).
  // Oldest first, by the minute the summary shows; changes of the same minute (the wind-down's scale-back and
  // the rotation resume, due together) in a fixed order, not in whichever order their jobs happened to finish.
  const minute = (at: number) => Math.floor(at / 60_000);
  const ordered = entries
    .reverse()
    .sort((a, b) => minute(a.at) - minute(b.at) || a.detail.localeCompare(b.detail));
  return Promise.all(
    ordered.map(async (e) => {
      const plan = e.planId ? await ctx.deps.plans.get(e.planId) : undefined;
      const who = !plan
        ? `<@${e.actor}>`
        : plan.automatic !== undefined && plan.approver === plan.requester
          ? `<@${plan.requester}>`
          : `asked by <@${plan.requester}>, approved by ${plan.approver ? `<@${plan.approver}>` : 'opsbot'}`;
      return `• ${slackTime(e.at)}: ${e.detail} — ${who}${e.planId ? ` (\`${e.planId}\`)` : ''}`;
    }),
  );
}

function figures(samples: Sample[]): string {
  const values = (pick: (s: Sample) => number | null) =>
    samples.map(pick).filter((v): v is number => v !== null);
  const wait = values((s) => s.queueWaitMs);
  const pending = values((s) => s.pendingJobs);
  const ws = values((s) => s.workspaces);
  const restarts = values((s) => s.restarts);
  if (!samples.length) return 'no samples were taken (opsbot was down, or the workshop was ended early)';
  return [
    `provisioner queue: longest wait ${wait.length ? roundedDuration(Math.max(...wait)) : 'unknown'}, at most ${pending.length ? Math.max(...pending) : '?'} jobs waiting`,
    `workspaces: peak ${ws.length ? Math.max(...ws) : 'unknown'}`,
    `restarts of Coder, proxy, provisioner and LiteLLM containers: ${restarts.length > 1 ? Math.max(0, restarts.at(-1)! - restarts[0]!) : 'unknown'}`,
  ].join('\n');
}

/** The chart as a PNG in the thread, once (a re-run finds the file id it recorded). */
async function uploadChart(w: Workshop, samples: Sample[], { deps, store }: StepContext): Promise<boolean> {
  if (!samples.length || !w.threadTs) return false;
  const slots = store.slotStore(w.id);
  if (await slots.get('chart')) return true;
  const points = (pick: (s: Sample) => number | null) =>
    samples.flatMap((s) => {
      const v = pick(s);
      return v === null ? [] : [{ at: s.at, value: v }];
    });
  const png = await renderWindowChart({
    title: `Workshop ${w.name} (${w.environment})`,
    from: w.start - 3_600_000,
    to: w.end,
    timeZone: w.tz,
    panels: [
      {
        title: 'Provisioner queue wait',
        unit: 's',
        series: [
          {
            name: 'longest wait',
            points: points((s) => (s.queueWaitMs === null ? null : s.queueWaitMs / 1000)),
          },
        ],
      },
      {
        title: 'Workspaces',
        unit: '',
        series: [{ name: 'workspaces', points: points((s) => s.workspaces) }],
      },
    ],
  });
  const { fileId } = await deps.chat.uploadFile({
    channel: w.channel,
    threadTs: w.threadTs,
    filename: `workshop-${w.name}.png`,
    title: `Workshop ${w.name}: provisioner queue wait and workspaces`,
    altText: `Chart of provisioner queue wait and workspace count during workshop ${w.name}`,
    content: png,
  });
  await slots.record('chart', fileId);
  return true;
}
