import { z } from 'zod';
import { TransientError } from '../../errors/transient-error.js';
import { UserError } from '../../errors/user-error.js';
import type { Probe } from '../../inventory/schema.js';
import type { CallOptions } from '../../ports/call-options.js';
import { abortReason } from '../../ports/call-options.js';
import type {
  CoderHealthReport,
  HealthProbes,
  LitellmReadiness,
  ProbeAnswer,
  TlsAnswer,
} from '../../ports/health-probes.js';
import { readPeerCertificate } from './read-peer-certificate.js';

export interface HttpHealthProbesOptions {
  /** Probe id → base URL overriding the inventory's (`PROBE_URL_<ID>`; the sandbox uses them). */
  urls?: Record<string, string>;
  coderSessionToken?: string;
  litellmApiKey?: string;
  /** Deadline of one request (default 5 s). */
  timeoutMs?: number;
  /** The TLS check's overrides (`PROBE_TLS_*`): where to connect per probe id, a CA to trust too. */
  tls?: { connect?: Record<string, { host: string; port: number }>; caPem?: string };
}

const Severity = z.enum(['ok', 'warning', 'error']);
const Section = z.object({
  severity: Severity,
  dismissed: z.boolean().default(false),
  error: z.string().optional(),
  warnings: z
    .array(z.union([z.string(), z.object({ code: z.string().optional(), message: z.string() })]))
    .nullish(),
});
const SECTION_NAMES = [
  'access_url',
  'database',
  'derp',
  'websocket',
  'workspace_proxy',
  'provisioner_daemons',
];
const HealthReport = z.object({ severity: Severity }).loose();
const PendingJobs = z.array(z.object({ queue_size: z.number().optional() }).loose());
const KeyInfo = z.object({ info: z.object({ expires: z.string().nullish() }).loose().optional() }).loose();
const Readiness = z.object({ status: z.string().optional(), litellm_version: z.string().optional() }).loose();

/**
 * HealthProbes over fetch: one deadline per request (merged with the caller's signal), failures classified
 * as the rest of opsbot does; an aborted caller gets its abort back.
 */
export class HttpHealthProbes implements HealthProbes {
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpHealthProbesOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  async get(probe: Probe, path: string, opts: CallOptions = {}): Promise<ProbeAnswer> {
    const res = await this.fetch(probe, path, {}, opts.signal);
    return { status: res.status, body: (await this.text(res, opts.signal)).slice(0, 300) };
  }

  async coderHealth(probe: Probe, opts: CallOptions = {}): Promise<CoderHealthReport> {
    const body = await this.coderJson(probe, '/api/v2/debug/health', 'reading its debug health', opts.signal);
    const report = HealthReport.parse(body);
    const raw = body as Record<string, unknown>;
    const sections = SECTION_NAMES.flatMap((name) => {
      const parsed = Section.safeParse(raw[name]);
      if (!parsed.success) return [];
      const s = parsed.data;
      return [
        {
          name,
          severity: s.severity,
          dismissed: s.dismissed,
          ...(s.error ? { error: s.error } : {}),
          warnings: (s.warnings ?? []).map((w) =>
            typeof w === 'string' ? w : `${w.code ? `${w.code}: ` : ''}${w.message}`,
          ),
        },
      ];
    });
    return { severity: report.severity, sections };
  }

  async coderPendingJobs(probe: Probe, org: string, opts: CallOptions = {}): Promise<number> {
    const path = `/api/v2/organizations/${encodeURIComponent(org)}/provisionerjobs?status=pending&limit=1`;
    const jobs = PendingJobs.parse(
      await this.coderJson(probe, path, `reading the job queue of ${org}`, opts.signal),
    );
    // Each pending job carries the queue's size; an empty answer is an empty queue.
    return jobs[0]?.queue_size ?? jobs.length;
  }

  async litellmReadiness(probe: Probe, opts: CallOptions = {}): Promise<LitellmReadiness> {
    const res = await this.fetch(probe, '/health/readiness', {}, opts.signal);
    const text = await this.text(res, opts.signal);
    if (res.status !== 200) return { httpStatus: res.status };
    const parsed = Readiness.safeParse(safeJson(text));
    if (!parsed.success) return { httpStatus: res.status };
    return {
      httpStatus: res.status,
      ...(parsed.data.status ? { status: parsed.data.status } : {}),
      ...(parsed.data.litellm_version ? { version: parsed.data.litellm_version } : {}),
    };
  }

  async litellmKeyExpiry(probe: Probe, opts: CallOptions = {}): Promise<number | null | undefined> {
    const key = this.opts.litellmApiKey;
    if (!key) return undefined;
    const res = await this.fetch(probe, '/key/info', { Authorization: `Bearer ${key}` }, opts.signal);
    const text = await this.text(res, opts.signal);
    // An expired key is refused (400 `expired_key`), the refusal saying when it expired.
    const expired = expiredAt(text);
    if (expired !== undefined) return expired;
    if (res.status === 401 || res.status === 403)
      throw new UserError(
        `LiteLLM (${probe.id}) refused opsbot's key (${res.status}); renew LITELLM_API_KEY.`,
      );
    if (res.status !== 200)
      throw new TransientError(`LiteLLM (${probe.id}) answered ${res.status} to /key/info`, {
        kind: 'server-error',
        status: res.status,
      });
    const info = KeyInfo.parse(safeJson(text));
    const expires = info.info?.expires ?? null;
    if (expires === null) return null;
    // LiteLLM writes Python ISO times, often without a zone: those are UTC.
    const at = pythonTime(expires);
    return Number.isNaN(at) ? null : at;
  }

  async tlsCertificate(probe: Probe, opts: CallOptions = {}): Promise<TlsAnswer> {
    const url = new URL(probe.url);
    if (url.protocol !== 'https:')
      throw new UserError(`${probe.id} is not an https URL: no certificate to check.`);
    const to = this.opts.tls?.connect?.[probe.id] ?? { host: url.hostname, port: Number(url.port || 443) };
    return readPeerCertificate({
      ...to,
      servername: url.hostname,
      timeoutMs: this.timeoutMs,
      ...(this.opts.tls?.caPem ? { extraCa: this.opts.tls.caPem } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  private async coderJson(
    probe: Probe,
    path: string,
    doing: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const token = this.opts.coderSessionToken;
    if (!token)
      throw new UserError(`Cannot check ${probe.id} beyond /healthz: CODER_SESSION_TOKEN is not set.`);
    const res = await this.fetch(probe, path, { 'Coder-Session-Token': token }, signal);
    const text = await this.text(res, signal);
    if (res.status === 401 || res.status === 403)
      throw new UserError(
        `${probe.id} refused opsbot's session token while ${doing} (${res.status}); renew CODER_SESSION_TOKEN.`,
      );
    if (res.status === 429 || res.status >= 500)
      throw new TransientError(`${probe.id} answered ${res.status} while ${doing}`, {
        kind: res.status === 429 ? 'rate-limited' : 'server-error',
        status: res.status,
      });
    if (res.status !== 200) throw new UserError(`${probe.id} answered ${res.status} while ${doing}.`);
    const json = safeJson(text);
    if (json === undefined) throw new Error(`${probe.id}: ${doing} returned something other than JSON`);
    return json;
  }

  private async fetch(
    probe: Probe,
    path: string,
    headers: Record<string, string>,
    outer: AbortSignal | undefined,
  ): Promise<Response> {
    const base = (this.opts.urls?.[probe.id] ?? probe.url).replace(/\/+$/, '');
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      return await fetch(`${base}${path}`, {
        headers,
        signal: outer ? AbortSignal.any([outer, timeout]) : timeout,
      });
    } catch (err) {
      if (outer?.aborted) throw abortReason(outer);
      const timeout = (err as Error).name === 'TimeoutError';
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new TransientError(
        timeout
          ? `${probe.id} did not answer within ${this.timeoutMs} ms`
          : `${probe.id} is unreachable (${cause ?? (err as Error).message})`,
        { kind: timeout ? 'timeout' : 'unreachable', cause: err },
      );
    }
  }

  /** The body, under the same signal as its request: an abort while it streams is the caller's abort. */
  private async text(res: Response, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await res.text();
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw err;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** LiteLLM writes Python times (`2026-01-31 12:00:00.123456+00:00`, often without a zone: UTC). */
function pythonTime(text: string): number {
  const iso = text
    .trim()
    .replace(' ', 'T')
    .replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`);
}

/** When LiteLLM's refusal of an expired key says it expired (`Expired Key. Key Expiry time …`), if it is one. */
function expiredAt(text: string): number | undefined {
  const match = /Expired Key\. Key Expiry time (\S+ \S+|\S+)/.exec(text);
  if (!match) return undefined;
  const at = pythonTime(match[1] as string);
  return Number.isNaN(at) ? undefined : at;
}
