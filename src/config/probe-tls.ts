import { X509Certificate } from 'node:crypto';
import type { ConfigProblem } from './config-error.js';

const CONNECT = 'PROBE_TLS_CONNECT_';
const CA = 'PROBE_TLS_CA_DATA';

export interface ProbeTls {
  /** Probe id → address to connect to instead of the URL's host (SNI and verification still use the host). */
  connect: Record<string, { host: string; port: number }>;
  /** A CA trusted besides the system's (PEM), for the sandbox's certificates. */
  caPem?: string;
}

/**
 * The TLS check's overrides: `PROBE_TLS_CONNECT_<ID>=host:port` connects a probe's TLS check there
 * (as `curl --connect-to` does) and `PROBE_TLS_CA_DATA` (base64 PEM) adds a trusted CA. The sandbox
 * uses both; production needs neither.
 */
export function parseProbeTls(env: Record<string, string | undefined>): {
  tls: ProbeTls;
  problems: ConfigProblem[];
} {
  const tls: ProbeTls = { connect: {} };
  const problems: ConfigProblem[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!variable.startsWith(CONNECT) || !value) continue;
    const id = variable.slice(CONNECT.length);
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
    if (!/^[A-Z0-9]+(_[A-Z0-9]+)*$/.test(id))
      problems.push({
        variable,
        problem: `must be ${CONNECT}<ID> with an upper-case probe id such as CODER`,
      });
    else if (!m || Number(m[2]) > 65535) problems.push({ variable, problem: 'must be host:port' });
    else
      tls.connect[id.toLowerCase().replaceAll('_', '-')] = {
        host: (m[1] as string).replace(/^\[|\]$/g, ''),
        port: Number(m[2]),
      };
  }
  const ca = env[CA]?.trim();
  if (ca) {
    const pem = Buffer.from(ca, 'base64').toString('utf8');
    try {
      new X509Certificate(pem);
      tls.caPem = pem;
    } catch {
      problems.push({ variable: CA, problem: 'must be a base64-encoded PEM certificate' });
    }
  }
  return { tls, problems };
}

/** The variable that points a probe's TLS check elsewhere: `oregon-proxy` → `PROBE_TLS_CONNECT_OREGON_PROXY`. */
export function probeTlsConnectVariable(probeId: string): string {
  return `${CONNECT}${probeId.toUpperCase().replaceAll('-', '_')}`;
}
