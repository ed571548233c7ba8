import { CHANGE_KINDS } from '../changes/change-kinds.js';
import type { ImageStatus, ImageVerdict } from '../images/image-status.js';
import { imageDrift, imageReadFailures } from '../images/image-summary-line.js';
import { cacheRefusal } from '../images/pull-through-sync.js';
import { readImageStatus } from '../images/read-image-status.js';
import { deploymentLine, mirrorLine, nextStep, sourceLine } from '../images/render-image-row.js';
import { code } from '../slack-text/code.js';
import { untrusted } from '../slack-text/untrusted.js';
import { type Check, type CheckResult, type CheckStatus, type Remediation, worstOf } from './check.js';
import { plural } from './describe.js';

/**
 * What each `/images status` verdict weighs here. A mirror that lags its source fails: it breaks the
 * pre-workshop rule, and a pod restarted onto it runs another build than the others (what broke subdomain
 * routing last time). Clusters off the mirror's build only warn: a sync without `--restart` leaves them so
 * on purpose, and a proxy split from the control plane is the image-digests check's failure (and alert).
 */
const WEIGHT: Record<ImageVerdict, CheckStatus> = {
  'in sync': 'ok',
  'mirror stale': 'fail',
  'mirror missing': 'fail',
  'cluster behind': 'warn',
  'cluster ahead': 'warn',
  mixed: 'warn',
  unknown: 'unknown',
};

const lagging = (r: ImageStatus) =>
  r.verdicts.includes('mirror stale') || r.verdicts.includes('mirror missing');

/** A pull-through cache that lags only warns: ECR refreshes it on a pull (within a day), nothing to sync. */
function statusOf(r: ImageStatus): CheckStatus {
  return worstOf(
    r.verdicts.map((v) => (r.cache && (v === 'mirror stale' || v === 'mirror missing') ? 'warn' : WEIGHT[v])),
  );
}

/**
 * Each inventory image as `/images status` judges it (GHCR tag → ECR mirror → what the pods run, workspace
 * images in ECR, pull-through caches), one result per image; a plain mirror that lags offers its sync.
 */
export const imageMirrorCheck: Check = {
  id: 'image-mirror',
  title: 'Image mirror (GHCR = ECR = clusters)',
  situations: ['images', 'routing'],
  async run(ctx) {
    if (!ctx.env.images.length) return [];
    if (!ctx.registry)
      return [
        {
          status: 'unknown',
          subject: ctx.env.name,
          summary: 'GHCR and ECR not read: this opsbot has no registry configured',
          evidence: [],
        },
      ];
    // Pods are read through the run's cluster clients; every read has the part deadline, so a slow registry
    // or cluster becomes that cell's "unreachable (timeout)" while the rest still answer.
    const rows = await readImageStatus(
      { registry: ctx.registry, clusters: { client: (id) => ctx.cluster(id).client } },
      ctx.env,
      { timeoutMs: ctx.options.partDeadlineMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
    const results = rows.map((r) => resultOf(ctx.env.name, r));
    if (results.length && results.every((r) => r.status === 'ok'))
      return [
        {
          status: 'ok',
          subject: ctx.env.name,
          summary: `${plural(rows.length, 'image')} in sync: each mirror holds its GHCR tag's build and the pods run it`,
          evidence: [],
        },
      ];
    return results;
  },
};

/** One image's finding: the verdicts, the digests on each side, who runs what, and what to do. */
function resultOf(environment: string, r: ImageStatus): CheckResult {
  const status = statusOf(r);
  const templates = r.image.templates.length
    ? ` (workspaces of ${r.image.templates.map(code).join(', ')})`
    : '';
  const what = `${code(r.image.id)}${templates}`;
  if (status === 'ok') return { status, subject: r.image.id, summary: `${what}: in sync`, evidence: [] };
  // As `/ops status` says it, and like the engine's unreachable parts: one line, no evidence.
  if (status === 'unknown')
    return {
      status,
      subject: r.image.id,
      summary: `${what}: could not tell (${imageReadFailures(r).map(untrusted).join('; ')})`,
      evidence: [],
    };
  const cache = r.cache && lagging(r) ? ' (an ECR pull-through cache: a pull refreshes it)' : '';
  const summary = `${what}: ${imageDrift(r).join(', ')}${cache}`;
  const running = r.deployments.map(deploymentLine);
  const mirror = mirrorLine(r);
  const sync = syncOf(environment, r);
  return {
    status,
    subject: r.image.id,
    summary,
    evidence: [
      sourceLine(r),
      ...(mirror ? [mirror] : []),
      ...(running.length ? [`running: ${running.join('; ')}`] : []),
      ...advice(r),
    ],
    ...(sync ? { remediation: sync } : {}),
  };
}

/**
 * The ordinary `/images sync` plan for a plain mirror that lags a source tag that exists; for a current
 * mirror with Coder deployments still on an older build, the restart-only plan (`--restart`) that rolls them.
 */
function syncOf(environment: string, r: ImageStatus): Remediation | undefined {
  if (!r.image.mirror) return undefined;
  if (!lagging(r))
    return r.mirror &&
      !r.mirrorError &&
      r.verdicts.includes('cluster behind') &&
      r.deployments.some((d) => d.state === 'behind' && d.restartable)
      ? {
          kind: CHANGE_KINDS.images,
          change: { environment, image: r.image.id, restart: true },
          label: `Restart ${r.image.id} onto ECR's build`,
        }
      : undefined;
  if (r.cache || !r.source) return undefined;
  return {
    kind: CHANGE_KINDS.images,
    change: { environment, image: r.image.id },
    label: `Sync ${r.image.id} to ECR`,
  };
}

/** What to do: for a cache, what `/images sync` answers instead of planning; else the next step. */
function advice(r: ImageStatus): string[] {
  const mirror = r.image.mirror;
  if (lagging(r) && r.cache && mirror) {
    const refusal = cacheRefusal(
      { environment: '', image: r.image.id },
      { ...r.image, mirror },
      r.image.tag,
      { mirror: r.mirror?.digest ?? null, source: r.source?.digest ?? null, cache: r.cache.upstream },
    );
    return [refusal.message, ...(refusal.hint ? [refusal.hint] : [])];
  }
  const out: string[] = [];
  const next = nextStep(r);
  if (next) out.push(next);
  // Without the rules a cache reads like a mirror: the sync's plan would say so, and so does this.
  if (lagging(r) && r.cacheError)
    out.push(
      `ECR pull-through cache rules not read (${untrusted(r.cacheError)}): if this repository is a cache, a pull refreshes it instead`,
    );
  // Pods behind ECR's build: nextStep names `/images sync <id> --restart`, which rolls just those.
  return out;
}
