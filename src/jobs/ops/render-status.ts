import { imageDrift, imageReadFailures, imageSummaryLine } from '../../images/image-summary-line.js';
import type { Blocks } from '../../ports/chat.js';
import { untrusted } from '../../slack-text/untrusted.js';
import { type DeploymentStatus, NOT_FOUND, type RecordStatus, type StatusReport } from './collect-status.js';

/**
 * `/ops status` as Block Kit: one section per cluster, the rotator, pauses, a line per image, then DNS
 * against the inventory.
 */
export function renderStatus(
  report: StatusReport,
  pauses: string[] = [],
  /** What the message is, for posts nobody asked for (the scheduled digest). */
  title = `Status of ${report.env}`,
  /** The ops notice (`/ops notice`), shown first when one is set. */
  notice?: string,
): { text: string; blocks: Blocks } {
  const byCluster = new Map<string, DeploymentStatus[]>();
  for (const d of report.deployments) byCluster.set(d.cluster, [...(byCluster.get(d.cluster) ?? []), d]);
  const sections: string[] = notice ? [`:loudspeaker: *Ops notice:* ${untrusted(notice)}`] : [];
  for (const [cluster, deployments] of byCluster) {
    const down = report.unreachableClusters.includes(cluster) ? ' :red_circle: _unreachable_' : '';
    // The cluster's reason is said once (in the summary), not again on each of its deployments.
    const reason = down ? clusterReason(report, cluster) : undefined;
    const line = (d: DeploymentStatus) =>
      reason !== undefined && d.error === reason
        ? `:white_circle: \`${d.target}\` (${d.namespace}/${d.name}): not read`
        : deploymentLine(d);
    sections.push([`*${cluster}*${down}`, ...deployments.map(line)].join('\n'));
  }
  if (report.rotator) {
    const icon =
      report.rotator.state === 'running'
        ? ':arrows_counterclockwise:'
        : report.rotator.state === 'paused'
          ? ':double_vertical_bar:'
          : ':grey_question:';
    sections.push(`*Key rotation* ${icon} ${report.rotator.state} (${report.rotator.detail})`);
  }
  if (pauses.length) sections.push(['*Scheduled*', ...pauses.map((p) => `• ${p}`)].join('\n'));
  // An unreachable cluster's reason is in the summary already: its image reads are only named.
  const imageLines = (report.images ?? []).map((r) => imageSummaryLine(r, report.unreachableClusters));
  if (imageLines.length) sections.push(['*Images*', ...imageLines].join('\n'));
  for (const zone of report.dns) {
    const lines = zone.error ? [`:red_circle: Cloudflare: ${zone.error}`] : zone.records.map(recordLine);
    sections.push([`*DNS ${zone.zone}*`, ...lines].join('\n'));
  }
  const drift = report.deployments.filter((d) => d.live && d.live.desired !== d.inventoryDefault).length;
  const dnsDrift = report.dns.flatMap((z) => z.records).filter((r) => !r.matches).length;
  // One short reason per failing cluster (its first failed read) and zone: enough to decide whether to wait.
  const down = [
    ...report.unreachableClusters.map((c) => `${c}: ${clusterReason(report, c) ?? 'unreachable'}`),
    ...report.dns.filter((z) => z.error).map((z) => `Cloudflare: ${z.error}`),
  ];
  const summary = down.length > 0 ? `:red_circle: ${down.join('; ')}` : driftSummary(drift, dnsDrift, report);
  return {
    text: `${title}: ${summary.replace(/:[a-z_]+: /, '')}\n\n${sections.join('\n\n')}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: summary }] },
      ...sections.map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: s.slice(0, 3000) } })),
    ],
  };
}

/** Why a cluster could not be read: its first failed read that is not a missing deployment. */
function clusterReason(report: StatusReport, cluster: string): string | undefined {
  return report.deployments.find((d) => d.cluster === cluster && d.error && d.error !== NOT_FOUND)?.error;
}

function deploymentLine(d: DeploymentStatus): string {
  const where = `\`${d.target}\` (${d.namespace}/${d.name})`;
  if (!d.live) return `:red_circle: ${where}: ${d.error ?? 'unknown'}`;
  const { desired, ready } = d.live;
  const differs = desired !== d.inventoryDefault;
  // One icon per line: rolling out (yellow), else off the inventory (warning), else green; never two at once.
  const icon = ready < desired ? ':large_yellow_circle:' : differs ? ':warning:' : ':large_green_circle:';
  const drift = differs ? ` — inventory default ${d.inventoryDefault}` : '';
  return `${icon} ${where}: ${ready}/${desired} ready${drift}`;
}

function recordLine(r: RecordStatus): string {
  if (r.live.length === 0) return `:red_circle: \`${r.name}\` ${r.type}: missing (inventory: ${r.expected})`;
  const live = r.live.map((x) => `${x.content}${x.proxied ? ' (proxied)' : ''}`).join(', ');
  return r.matches
    ? `:large_green_circle: \`${r.name}\` ${r.type} → ${live}`
    : `:warning: \`${r.name}\` ${r.type} → ${live} — drift, inventory: ${r.expected}`;
}

/** Deployments and records off the inventory, then images out of sync or not read (only when there are some). */
function driftSummary(drift: number, dnsDrift: number, report: StatusReport): string {
  const images = report.images ?? [];
  const imageDrifts = images.filter((r) => imageDrift(r).length > 0).length;
  const unread = images.filter((r) => imageDrift(r).length === 0 && imageReadFailures(r).length > 0).length;
  const parts = [
    ...(drift + dnsDrift > 0
      ? [`${drift} deployment(s) and ${dnsDrift} DNS record(s) differ from the inventory`]
      : []),
    ...(imageDrifts > 0 ? [`${imageDrifts} image(s) out of sync`] : []),
    ...(unread > 0 ? [`${unread} image(s) could not be read`] : []),
  ];
  return parts.length === 0
    ? ':white_check_mark: everything matches the inventory'
    : `:warning: ${parts.join('; ')}`;
}
