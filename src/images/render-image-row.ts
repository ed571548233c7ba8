import { code } from '../slack-text/code.js';
import { untrusted } from '../slack-text/untrusted.js';
import type { DeploymentDigests, ImageStatus, ImageVerdict } from './image-status.js';
import { sameRepository } from './pull-through-of.js';
import { shortDigest } from './short-digest.js';

export const VERDICT_ICON: Record<ImageVerdict, string> = {
  'in sync': '✅',
  'mirror stale': '❌',
  'mirror missing': '❌',
  'cluster behind': '❌',
  'cluster ahead': '⚠️',
  mixed: '⚠️',
  unknown: '❔',
};

const when = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

/** One inventory image: the verdicts, its templates, source, mirror (or cache), each deployment, what to do. */
export function renderImageRow(r: ImageStatus): string {
  const icon = VERDICT_ICON[r.verdicts[0] ?? 'unknown'];
  const lines = [
    `${icon} *${untrusted(r.image.id)}* ${code(`${r.image.source}:${r.image.tag}`)}: ${r.verdicts.join(', ')}`,
  ];
  if (r.image.templates.length) lines.push(`• templates: ${r.image.templates.map(code).join(', ')}`);
  lines.push(`• ${sourceLine(r)}`);
  const mirror = mirrorLine(r);
  if (mirror) lines.push(`• ${mirror}`);
  const cache = cacheLine(r);
  if (cache) lines.push(cache);
  for (const d of r.deployments) lines.push(`• ${deploymentLine(d)}`);
  const next = nextStep(r);
  if (next) lines.push(next);
  return lines.join('\n');
}

/** The source tag's digest (and each platform's), or why it could not be read; /diagnose shows it as evidence too. */
export function sourceLine(r: ImageStatus): string {
  if (!r.source) return `source: ${untrusted(r.sourceError ?? 'unknown')}`;
  const platforms = r.source.platforms.map((p) => `${code(p.platform)} ${shortDigest(p.digest)}`).join(', ');
  return `source: ${shortDigest(r.source.digest)}${platforms ? ` (index; ${platforms})` : ''}`;
}

/** What one deployment's pods run, and how that stands against the build it should run. */
export function deploymentLine(d: DeploymentDigests): string {
  const running = Object.entries(d.digests)
    .map(([digest, n]) => `${shortDigest(digest)} ×${n}`)
    .join(', ');
  const state = d.error
    ? untrusted(d.error)
    : d.state === 'ok'
      ? 'ok'
      : d.state === 'unknown'
        ? 'not judged (no build to compare with)'
        : `*${d.state}*`;
  return `${code(d.target)} (${untrusted(d.cluster)}): ${running || 'no running pod'} — ${state}`;
}

/** The ECR tag: present (digest, push time, whether it is the source's build) or missing. */
export function mirrorLine(r: ImageStatus): string | undefined {
  if (!r.image.mirror) return undefined;
  const where = code(`${r.image.mirror.repository}:${r.image.tag}`);
  if (r.mirrorError) return `ECR ${where}: ${untrusted(r.mirrorError)}`;
  if (!r.mirror) return `ECR ${where}: tag missing`;
  const pushed = r.mirror.pushedAt ? `, pushed ${when(r.mirror.pushedAt)}` : '';
  const match = r.source
    ? r.source.digest === r.mirror.digest
      ? ' — the source’s build'
      : ' — not the source’s build'
    : '';
  return `ECR ${where}: ${shortDigest(r.mirror.digest)}${pushed}${match}`;
}

/** A pull-through cache is filled and refreshed by pulls: say so, and what that means for a lagging tag. */
function cacheLine(r: ImageStatus): string | undefined {
  if (!r.cache) return undefined;
  const other = sameRepository(r.cache.upstream, r.image.source)
    ? ''
    : ` (not the inventory’s source ${code(r.image.source)})`;
  const head = `• mirror is an ECR pull-through cache of ${code(r.cache.upstream)}${other}`;
  if (r.verdicts.includes('mirror missing')) return `${head}: not pulled yet, the first pull fills it`;
  if (r.verdicts.includes('mirror stale'))
    return `${head}: the cached tag lags until ECR re-checks upstream (on a pull, at most once every 24 h)`;
  return head;
}

/**
 * What to do: for a mirror that lags, a sync (or, for a cache, why there is nothing to sync); for Coder
 * pods behind the build ECR serves, the restart; during a rollout, to wait.
 */
export function nextStep(r: ImageStatus): string | undefined {
  const lagging = r.verdicts.includes('mirror missing') || r.verdicts.includes('mirror stale');
  if (!r.image.mirror) return undefined;
  if (!lagging) return podsStep(r);
  const sync = code(`/images sync ${r.image.id}`);
  if (r.cache) return `→ nothing to sync: a pull refreshes it (${sync} says what else you can do)`;
  const workspaces = !r.image.templates.length
    ? ''
    : r.verdicts.includes('mirror missing')
      ? 'new workspaces of these templates cannot pull it; '
      : 'new workspaces start from the old build; ';
  return `→ ${workspaces}${sync} copies the source’s build to ECR`;
}

/** With the mirror current: wait out a rollout (two builds at once), else restart the Coder pods behind it. */
function podsStep(r: ImageStatus): string | undefined {
  // Judged against the source when ECR could not be read: "the build ECR serves" would be a guess.
  if (!r.mirror || r.mirrorError) return undefined;
  if (r.verdicts.includes('mixed'))
    return '→ two builds at once: a rollout is under way; wait for it to finish and check again';
  const behind = r.deployments.filter((d) => d.state === 'behind');
  if (!behind.length) return undefined;
  // `--restart` rolls only the Coder server and proxies; other deployments pick the build up when they restart.
  if (behind.some((d) => d.restartable))
    return `→ ${code(`/images sync ${r.image.id} --restart`)} rolls them onto the build ECR serves`;
  return '→ their pods get the build ECR serves when they restart';
}
