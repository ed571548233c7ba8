import type { Probe } from '../inventory/schema.js';
import type { TlsCertificate } from '../ports/health-probes.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import type { CheckContext } from './check-context.js';
import { quoted } from './describe.js';
import { expiryStatus, timeLeft, utc } from './expiry-status.js';
import { perPart } from './per-part.js';

/** The verification failures that mean "expired", which the expiry line already says. */
const EXPIRY_ERRORS = new Set(['CERT_HAS_EXPIRED']);
const RENEW =
  'renew or re-issue it (cert-manager: `kubectl describe certificate` in the ingress namespace shows why it has not renewed)';

/** One probed domain: the first probe of each https host. */
function probedDomains(probes: readonly Probe[]): Probe[] {
  const seen = new Set<string>();
  return probes.filter((p) => {
    const url = new URL(p.url);
    const key = `${url.hostname}:${url.port || 443}`;
    if (url.protocol !== 'https:' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The certificate each probed domain presents (a TLS handshake with the probe URL's host): expiring
 * within `credentialsMinValidDays` warns; expired, mistrusted or a failed handshake fails. An expired
 * certificate breaks every browser and `coder` CLI at once, so it belongs to routing.
 */
export const tlsExpiryCheck: Check = {
  id: 'tls-expiry',
  title: 'TLS certificates',
  situations: ['routing'],
  run(ctx) {
    return perPart(
      ctx,
      probedDomains(ctx.env.probes),
      (p) => new URL(p.url).hostname,
      async (probe): Promise<CheckResult[]> => {
        const host = new URL(probe.url).hostname;
        const answer = await ctx.probes.tlsCertificate(probe);
        if (!answer.ok)
          return [
            {
              status: 'fail',
              subject: host,
              summary: `${code(host)}: TLS handshake failed`,
              evidence: [`${code(answer.address)} (SNI ${code(host)}): ${quoted(answer.error, 160)}`],
            },
          ];
        return [judge(ctx, host, answer.certificate)];
      },
    );
  },
};

function judge(ctx: CheckContext, host: string, cert: TlsCertificate): CheckResult {
  const presented = `${code(host)} presents ${code(cert.subject || '(no subject)')} issued by ${code(cert.issuer || '(unknown)')}, valid ${utc(cert.validFrom)} – ${utc(cert.validTo)}`;
  const mistrust = cert.authorizationError && !EXPIRY_ERRORS.has(cert.authorizationError);
  if (Number.isNaN(cert.validTo))
    return {
      status: 'fail',
      subject: host,
      summary: `${code(host)}: certificate without a readable expiry`,
      evidence: [presented],
    };
  const status = mistrust
    ? 'fail'
    : expiryStatus(cert.validTo, ctx.now, ctx.thresholds.credentialsMinValidDays);
  const left = timeLeft(cert.validTo, ctx.now);
  if (status === 'ok') return { status, subject: host, summary: `${code(host)}: ${left} left`, evidence: [] };
  const expired = cert.validTo <= ctx.now;
  const summary = mistrust
    ? `${code(host)}: certificate not trusted (${code(cert.authorizationError ?? '')})`
    : expired
      ? `${code(host)}: certificate expired ${left} ago`
      : `${code(host)}: certificate expires in ${left} (under ${ctx.thresholds.credentialsMinValidDays} days)`;
  return {
    status,
    subject: host,
    summary,
    evidence: [
      presented,
      ...(cert.altNames
        ? [`names: ${code(cert.altNames.length > 200 ? `${cert.altNames.slice(0, 199)}…` : cert.altNames)}`]
        : []),
      mistrust ? `to fix: serve a certificate for ${code(host)} from a trusted CA` : `to fix: ${RENEW}`,
    ],
    ...(expired ? { since: cert.validTo } : {}),
  };
}
