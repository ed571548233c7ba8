import type { Blocks } from '../ports/chat.js';
import { code } from '../slack-text/code.js';
import { untrusted } from '../slack-text/untrusted.js';
import type { ImageStatus, ImageVerdict } from './image-status.js';

const ICON: Record<ImageVerdict, string> = {
  'in sync': '✅',
  'mirror stale': '❌',
  'mirror missing': '❌',
  'cluster behind': '❌',
  'cluster ahead': '⚠️',
  mixed: '⚠️',
  unknown: '❔',
};

/** `sha256:0123456789ab…`: enough to tell builds apart in a line. */
export const shortDigest = (digest: string) => code(`${digest.slice(0, 19)}…`);

const when = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

/** One section per inventory image: source, mirror, each deployment, and the verdicts. */
export function renderImageStatus(envName: string, rows: ImageStatus[]): { text: string; blocks: Blocks } {
  const sections = rows.map(renderRow);
  const worst = rows.flatMap((r) => r.verdicts).filter((v) => v !== 'in sync');
  const head = `*Images in ${untrusted(envName)}*: ${worst.length ? [...new Set(worst)].join(', ') : 'all in sync'}`;
  const text = [head, ...sections].join('\n\n');
  return {
    text: text.slice(0, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      ...sections.map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: s.slice(0, 3000) } })),
    ],
  };
}

function renderRow(r: ImageStatus): string {
  const icon = ICON[r.verdicts[0] ?? 'unknown'];
  const lines = [
    `${icon} *${untrusted(r.image.id)}* ${code(`${r.image.source}:${r.image.tag}`)}: ${r.verdicts.join(', ')}`,
  ];
  if (r.source) {
    const platforms = r.source.platforms
      .map((p) => `${code(p.platform)} ${shortDigest(p.digest)}`)
      .join(', ');
    lines.push(`• source: ${shortDigest(r.source.digest)}${platforms ? ` (index; ${platforms})` : ''}`);
  } else lines.push(`• source: ${untrusted(r.sourceError ?? 'unknown')}`);
  if (r.image.mirror) {
    const where = code(`${r.image.mirror.repository}:${r.image.tag}`);
    if (r.mirrorError) lines.push(`• ECR ${where}: ${untrusted(r.mirrorError)}`);
    else if (!r.mirror) lines.push(`• ECR ${where}: tag missing`);
    else
      lines.push(
        `• ECR ${where}: ${shortDigest(r.mirror.digest)}${r.mirror.pushedAt ? `, pushed ${when(r.mirror.pushedAt)}` : ''}`,
      );
  }
  for (const d of r.deployments) {
    const running = Object.entries(d.digests)
      .map(([digest, n]) => `${shortDigest(digest)} ×${n}`)
      .join(', ');
    const state = d.error ? untrusted(d.error) : d.state === 'ok' ? 'ok' : `*${d.state}*`;
    lines.push(`• ${code(d.target)} (${untrusted(d.cluster)}): ${running || 'no running pod'} — ${state}`);
  }
  return lines.join('\n');
}
