import type { Probe } from '../inventory/schema.js';
import type { CallOptions } from './call-options.js';

/** An HTTP answer as a probe saw it; a refused or hung connection throws instead. */
export interface ProbeAnswer {
  status: number;
  /** The first few hundred characters of the body (health endpoints answer briefly). */
  body: string;
}

export type HealthSeverity = 'ok' | 'warning' | 'error';

/** One section of Coder's `/api/v2/debug/health` (database, derp, workspace_proxy …). */
export interface CoderHealthSection {
  name: string;
  severity: HealthSeverity;
  dismissed: boolean;
  error?: string;
  warnings: string[];
}

export interface CoderHealthReport {
  severity: HealthSeverity;
  sections: CoderHealthSection[];
}

export interface LitellmReadiness {
  httpStatus: number;
  /** LiteLLM's readiness `status`: the database status (`connected`, `disconnected`). */
  status?: string;
  version?: string;
}

/** The certificate a probe's host presented in a TLS handshake. */
export interface TlsCertificate {
  /** Where opsbot connected (`host:port`) and the name it asked for (SNI) and verified. */
  address: string;
  servername: string;
  subject: string;
  issuer: string;
  /** Subject alternative names as the certificate lists them (`DNS:ai.coder.com, DNS:*.ai.coder.com`). */
  altNames: string;
  validFrom: number;
  validTo: number;
  /** Chain and name verified against the trusted CAs; otherwise why not (`CERT_HAS_EXPIRED` …). */
  authorized: boolean;
  authorizationError?: string;
}

/** A handshake's outcome; a host that cannot be reached at all throws instead. */
export type TlsAnswer =
  | { ok: true; certificate: TlsCertificate }
  | { ok: false; address: string; error: string };

/**
 * Coder's and LiteLLM's health endpoints, as the inventory's probes name them. Implemented over
 * HTTP by `src/adapters/http-probes/`; the sandbox serves the same paths.
 */
export interface HealthProbes {
  /** `GET <probe>/<path>` without credentials (Coder `/healthz`, LiteLLM `/health/liveliness`). */
  get(probe: Probe, path: string, opts?: CallOptions): Promise<ProbeAnswer>;
  /** Coder's `/api/v2/debug/health` with opsbot's session token. */
  coderHealth(probe: Probe, opts?: CallOptions): Promise<CoderHealthReport>;
  /** Provisioner jobs waiting in an organization's queue (`provisionerjobs?status=pending`). */
  coderPendingJobs(probe: Probe, org: string, opts?: CallOptions): Promise<number>;
  litellmReadiness(probe: Probe, opts?: CallOptions): Promise<LitellmReadiness>;
  /** When opsbot's LiteLLM key expires (`/key/info`): epoch ms, null for never, undefined if no key is set. */
  litellmKeyExpiry(probe: Probe, opts?: CallOptions): Promise<number | null | undefined>;
  /** A TLS handshake with the probe URL's host (https only), reading the certificate it presents. */
  tlsCertificate(probe: Probe, opts?: CallOptions): Promise<TlsAnswer>;
}
