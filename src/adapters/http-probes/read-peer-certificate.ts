import { connect, rootCertificates } from 'node:tls';
import { TransientError } from '../../errors/transient-error.js';
import { abortReason } from '../../ports/call-options.js';
import type { TlsAnswer } from '../../ports/health-probes.js';

export interface PeerCertificateRequest {
  host: string;
  port: number;
  /** The name asked for (SNI) and verified: the probe URL's host. */
  servername: string;
  /** A CA to trust besides the system's (PEM). */
  extraCa?: string;
  timeoutMs: number;
  /** The caller's signal: aborting it closes the socket and rejects with its reason. */
  signal?: AbortSignal;
}

/**
 * One TLS handshake, reading the certificate the server presents. Verification runs but does not
 * abort the handshake, so an expired or mistrusted certificate is still read and reported with the
 * reason. A TCP connection that never opens, or no answer in time, throws a TransientError (the host, not
 * its certificate, is the problem); a handshake the server aborts or botches is an answer (`ok: false`).
 */
export function readPeerCertificate(req: PeerCertificateRequest): Promise<TlsAnswer> {
  const address = `${req.host}:${req.port}`;
  const { signal } = req;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    let connected = false;
    const socket = connect({
      host: req.host,
      port: req.port,
      servername: req.servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...(req.extraCa ? { ca: [...rootCertificates, req.extraCa] } : {}),
    });
    const onAbort = () => {
      done();
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
    };
    // A slow server is not a broken certificate: no answer in time is "could not tell", connected or not.
    socket.setTimeout(req.timeoutMs, () => {
      done();
      reject(
        new TransientError(
          `${address} ${connected ? 'completed no TLS handshake' : 'did not answer'} within ${req.timeoutMs} ms`,
          { kind: 'timeout' },
        ),
      );
    });
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const authorized = socket.authorized;
      const why = socket.authorizationError;
      done();
      if (!cert?.valid_to) {
        resolve({ ok: false, address, error: 'the server presented no certificate' });
        return;
      }
      resolve({
        ok: true,
        certificate: {
          address,
          servername: req.servername,
          subject: nameOf(cert.subject),
          issuer: nameOf(cert.issuer),
          altNames: cert.subjectaltname ?? '',
          validFrom: Date.parse(cert.valid_from),
          validTo: Date.parse(cert.valid_to),
          authorized,
          ...(authorized ? {} : { authorizationError: String(why ?? 'unverified') }),
        },
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      done();
      if (connected) resolve({ ok: false, address, error: err.code ?? err.message });
      else
        reject(
          new TransientError(`${address} is unreachable (${err.code ?? err.message})`, {
            kind: 'unreachable',
            cause: err,
          }),
        );
    });
  });
}

function nameOf(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  const pick = (k: string) => {
    const v = name[k];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  return pick('CN') ?? pick('O') ?? '';
}
