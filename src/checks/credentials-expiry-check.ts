import type { Credential, Probe } from '../inventory/schema.js';
import { code } from '../slack-text/code.js';
import { untrusted } from '../slack-text/untrusted.js';
import type { Check, CheckResult } from './check.js';
import type { CheckContext } from './check-context.js';
import { expiryStatus, timeLeft, utc } from './expiry-status.js';
import { perPart } from './per-part.js';

type Part = { key: Probe } | { credential: Credential };

const RENEW_LITELLM_KEY =
  "renew opsbot's LiteLLM key (LiteLLM UI or `/key/regenerate`) and update `LITELLM_API_KEY`";

/**
 * Credentials that stop LiteLLM (and so every workshop) when they lapse: opsbot's own LiteLLM key
 * (`/key/info` of each LiteLLM probe) and the provider credentials the inventory names, whose expiry
 * is an annotation of their Secret. Expiring within `credentialsMinValidDays` warns; expired fails.
 * Renewal happens at the provider, so the fix is a line of text, not a button.
 */
export const credentialsExpiryCheck: Check = {
  id: 'credentials-expiry',
  title: 'Credential expiry',
  situations: ['litellm'],
  run(ctx) {
    const parts: Part[] = [
      ...ctx.env.probes.filter((p) => p.kind === 'litellm').map((key) => ({ key })),
      ...ctx.env.credentials.map((credential) => ({ credential })),
    ];
    return perPart(
      ctx,
      parts,
      (p) => ('key' in p ? `LiteLLM key (${p.key.id})` : p.credential.id),
      (p) => ('key' in p ? litellmKey(ctx, p.key) : secretCredential(ctx, p.credential)),
    );
  },
};

async function litellmKey(ctx: CheckContext, probe: Probe): Promise<CheckResult[]> {
  const what = `LiteLLM key of opsbot (${code(probe.id)})`;
  const subject = `litellm-key:${probe.id}`;
  const at = await ctx.probes.litellmKeyExpiry(probe);
  if (at === undefined)
    return [{ status: 'unknown', subject, summary: `${what}: \`LITELLM_API_KEY\` is not set`, evidence: [] }];
  if (at === null) return [{ status: 'ok', subject, summary: `${what}: never expires`, evidence: [] }];
  return [
    judged(
      ctx,
      subject,
      what,
      at,
      `${code(`${probe.url}/key/info`)} says it expires ${utc(at)}`,
      RENEW_LITELLM_KEY,
    ),
  ];
}

async function secretCredential(ctx: CheckContext, c: Credential): Promise<CheckResult[]> {
  const what = `${code(c.id)}${c.description ? ` (${untrusted(c.description)})` : ''}`;
  const secret = code(`${c.namespace}/${c.name}`);
  const annotations = await ctx.cluster(c.cluster).secretAnnotations(c.namespace, c.name);
  if (!annotations)
    return [
      {
        status: 'fail',
        subject: c.id,
        summary: `${what}: Secret ${secret} not found in ${c.cluster}`,
        evidence: [`the inventory names Secret ${secret} in ${c.cluster}; it does not exist there`],
      },
    ];
  const raw = annotations[c.annotation];
  const at = raw === undefined ? Number.NaN : Date.parse(raw);
  if (Number.isNaN(at))
    return [
      {
        status: 'unknown',
        subject: c.id,
        summary:
          raw === undefined
            ? `${what}: expiry unknown (Secret ${secret} has no ${code(c.annotation)} annotation)`
            : `${what}: expiry unknown (${code(c.annotation)} is ${code(raw)}, not a date)`,
        evidence: [
          `set it to the credential's expiry (RFC 3339), e.g. \`kubectl annotate secret -n ${c.namespace} ${c.name} ${c.annotation}=2026-01-31T00:00:00Z --overwrite\``,
        ],
      },
    ];
  return [
    judged(
      ctx,
      c.id,
      what,
      at,
      `Secret ${secret} in ${c.cluster}: ${code(c.annotation)} = ${code(raw as string)}`,
      c.renew ? untrusted(c.renew) : `renew it, then update ${code(c.annotation)} on the Secret`,
    ),
  ];
}

function judged(
  ctx: CheckContext,
  subject: string,
  what: string,
  at: number,
  source: string,
  renew: string,
): CheckResult {
  const status = expiryStatus(at, ctx.now, ctx.thresholds.credentialsMinValidDays);
  const left = timeLeft(at, ctx.now);
  if (status === 'ok') return { status, subject, summary: `${what}: ${left} left`, evidence: [] };
  return {
    status,
    subject,
    summary:
      status === 'fail'
        ? `${what} expired ${left} ago`
        : `${what} expires in ${left} (under ${ctx.thresholds.credentialsMinValidDays} days)`,
    evidence: [source, `to fix: ${renew}`],
    ...(status === 'fail' ? { since: at } : {}),
  };
}
