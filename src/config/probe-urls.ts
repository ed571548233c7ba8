import type { ConfigProblem } from './config-error.js';

const PREFIX = 'PROBE_URL_';

/**
 * `PROBE_URL_<ID>` overrides a probe's URL from the inventory: `PROBE_URL_OREGON_PROXY` sets probe
 * `oregon-proxy` (lower case, `_` → `-`). The sandbox uses them to point probes at local servers.
 */
export function parseProbeUrls(env: Record<string, string | undefined>): {
  urls: Record<string, string>;
  problems: ConfigProblem[];
} {
  const urls: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(PREFIX) || value === undefined || value.trim() === '') continue;
    const id = variable.slice(PREFIX.length);
    if (!/^[A-Z0-9]+(_[A-Z0-9]+)*$/.test(id)) {
      problems.push({
        variable,
        problem: 'must be PROBE_URL_<ID> with an upper-case probe id such as CODER',
      });
      continue;
    }
    if (!isHttpUrl(value.trim())) {
      problems.push({ variable, problem: 'must be an http(s) URL' });
      continue;
    }
    urls[id.toLowerCase().replaceAll('_', '-')] = value.trim().replace(/\/+$/, '');
  }
  return { urls, problems };
}

/** The variable that overrides a probe's URL: `oregon-proxy` → `PROBE_URL_OREGON_PROXY`. */
export function probeUrlVariable(probeId: string): string {
  return `${PREFIX}${probeId.toUpperCase().replaceAll('-', '_')}`;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
