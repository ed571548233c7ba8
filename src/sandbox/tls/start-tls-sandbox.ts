import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import type { Probe } from '../../inventory/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';

const DAY = 86_400_000;
/** Let's Encrypt certificates live 90 days and renew with 30 left: a healthy one has about 60 to go. */
const LIFETIME_MS = 90 * DAY;
const DEFAULT_LEFT_MS = 60 * DAY;

export interface CertificateSpec {
  /** Epoch ms (sandbox clock); in the past for an expired certificate. */
  notAfter: number;
  /** Signed by itself rather than the sandbox CA: verification fails (`DEPTH_ZERO_SELF_SIGNED_CERT`). */
  selfSigned: boolean;
}

export interface TlsControl {
  /** Re-issues a probe host's certificate; resolves once the server presents it. */
  setCertificate(
    probeId: string,
    spec: Partial<CertificateSpec>,
  ): Promise<{ host: string; notAfter: string }>;
  /** The certificate each probe host presents now. */
  certificates(): Record<string, { host: string; notAfter: string; selfSigned: boolean }>;
  /** Every host back to a fresh certificate (60 days left). */
  reset(): void;
}

export interface TlsSandbox {
  /** `127.0.0.1:<port>`: every probe host's TLS endpoint, chosen by SNI (as one load balancer serves many names). */
  address: string;
  /** PEM of the CA that signs the hosts' certificates. */
  caCert: string;
  control: TlsControl;
  close(): Promise<void>;
}

export interface TlsSandboxOptions {
  probes: Probe[];
  clock: Clock;
  /** `tls` (every host) or `tls:<probe id>` unreachable: the handshake is aborted. */
  faults: Faults;
  /** Probe id → plain-HTTP base URL of the simulated service; requests over TLS are passed on to it. */
  upstream: Record<string, string>;
}

interface Host {
  probe: Probe;
  host: string;
  spec: CertificateSpec;
  /** Issued at the first handshake asking for it: signing takes ~50 ms, so the sandbox starts without it. */
  context?: Promise<SecureContext> | undefined;
}

/**
 * The HTTPS face of every probed domain: one TLS listener that picks each host's certificate by SNI
 * (clients send it: browsers, curl, `openssl s_client -servername`), issued at first use and signed
 * by a CA made at start, with a notAfter the control API can move (near expiry, expired) or a
 * self-signed certificate. Requests that complete the handshake are passed to the plain-HTTP sandbox
 * server of that probe, so `curl --connect-to` works end to end.
 */
export async function startTlsSandbox(opts: TlsSandboxOptions): Promise<TlsSandbox> {
  const now = () => opts.clock.now();
  const ca = await generate([{ name: 'commonName', value: 'opsbot-sandbox-web-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now() - 365 * DAY),
    notAfterDate: new Date(now() + 5 * 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const fresh = (): CertificateSpec => ({ notAfter: now() + DEFAULT_LEFT_MS, selfSigned: false });
  const issue = async (host: string, spec: CertificateSpec): Promise<SecureContext> => {
    const leaf = await generate([{ name: 'commonName', value: host }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(spec.notAfter - LIFETIME_MS),
      notAfterDate: new Date(spec.notAfter),
      ...(spec.selfSigned ? {} : { ca: { key: ca.private, cert: ca.cert } }),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: host },
            { type: 2, value: `*.${host}` },
          ],
        },
      ],
    });
    return createSecureContext({ key: leaf.private, cert: leaf.cert });
  };
  const hosts = new Map<string, Host>();
  for (const probe of opts.probes) {
    const url = new URL(probe.url);
    if (url.protocol !== 'https:' || hosts.has(url.hostname)) continue;
    hosts.set(url.hostname, { probe, host: url.hostname, spec: fresh() });
  }
  const contextOf = (h: Host): Promise<SecureContext> => {
    h.context ??= issue(h.host, h.spec);
    return h.context;
  };
  // A name under a host (a workspace app under the wildcard) gets that host's certificate; a name it
  // does not serve gets the default one (the first host's), as a load balancer does.
  const first = [...hosts.values()][0];
  const hostFor = (servername: string): Host | undefined =>
    hosts.get(servername) ?? hosts.get(servername.slice(servername.indexOf('.') + 1)) ?? first;

  const server = createServer(
    {
      SNICallback: (servername, cb) => {
        const h = hostFor(servername.toLowerCase());
        if (!h) return cb(new Error('no certificates'));
        if (opts.faults.isUnreachable('tls') || opts.faults.isUnreachable(`tls:${h.probe.id}`))
          return cb(new Error(`injected handshake failure for ${servername}`));
        contextOf(h).then(
          (ctx) => cb(null, ctx),
          (err: Error) => cb(err),
        );
      },
    },
    (req, res) => forward(req, res, hostFor((req.socket as TLSSocket).servername || ''), opts.upstream),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Issued in the background once listening, so the first handshakes do not wait for signing.
  setImmediate(() => {
    for (const h of hosts.values()) contextOf(h).catch(() => {});
  });

  const byProbe = (probeId: string): Host => {
    const h = [...hosts.values()].find((x) => x.probe.id === probeId);
    if (!h) {
      const known = [...hosts.values()].map((x) => x.probe.id).join(', ');
      throw new Error(`no https probe "${probeId}" (known: ${known})`);
    }
    return h;
  };
  const control: TlsControl = {
    async setCertificate(probeId, spec) {
      const h = byProbe(probeId);
      h.spec = { ...fresh(), ...spec };
      h.context = undefined;
      await contextOf(h);
      return { host: h.host, notAfter: new Date(h.spec.notAfter).toISOString() };
    },
    certificates: () =>
      Object.fromEntries(
        [...hosts.values()].map((h) => [
          h.probe.id,
          { host: h.host, notAfter: new Date(h.spec.notAfter).toISOString(), selfSigned: h.spec.selfSigned },
        ]),
      ),
    reset() {
      for (const h of hosts.values()) {
        h.spec = fresh();
        h.context = undefined;
      }
    },
  };
  return {
    address: `127.0.0.1:${port}`,
    caCert: ca.cert,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes a request to the probe's plain-HTTP sandbox server. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  host: Host | undefined,
  upstream: Record<string, string>,
): void {
  const base = host ? upstream[host.probe.id] : undefined;
  if (!base) {
    res.writeHead(421, { 'content-type': 'text/plain' });
    res.end('421 Misdirected Request\n');
    return;
  }
  const target = new URL(`${base}${req.url ?? '/'}`);
  const out = httpRequest(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('502 Bad Gateway\n');
  });
  req.pipe(out);
}
