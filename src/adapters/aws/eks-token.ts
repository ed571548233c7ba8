import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface MintEksTokenOptions {
  /** The EKS cluster name (signed as the `x-k8s-aws-id` header). */
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** STS endpoint override (the sandbox); default `https://sts.<region>.amazonaws.com`. */
  stsEndpoint?: string;
  now?: () => Date;
}

export interface EksToken {
  token: string;
  expiresAt: Date;
}

const TOKEN_PREFIX = 'k8s-aws-v1.';
// STS ignores X-Amz-Expires for these URLs (valid 15 min from X-Amz-Date); 60 is what
// aws-iam-authenticator sends and what older verifiers insist on.
const PRESIGN_EXPIRES_SECONDS = 60;
// Refresh a minute before the 15-minute validity ends, as aws-iam-authenticator does.
const TOKEN_LIFETIME_MS = 14 * 60 * 1000;

/**
 * A Kubernetes bearer token for an EKS cluster: `k8s-aws-v1.` + base64url(presigned STS
 * GetCallerIdentity URL with the signed header `x-k8s-aws-id: <cluster>`), as `aws eks get-token` makes.
 */
export async function mintEksToken(opts: MintEksTokenOptions): Promise<EksToken> {
  const endpoint = new URL(opts.stsEndpoint ?? `https://sts.${opts.region}.amazonaws.com`);
  const signingDate = (opts.now ?? (() => new Date()))();
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: 'sts',
    sha256: Sha256,
    uriEscapePath: true,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: endpoint.host, 'x-k8s-aws-id': opts.clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate });
  const url = `${endpoint.protocol}//${endpoint.host}/?${queryString(signed.query ?? {})}`;
  return {
    token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(signingDate.getTime() + TOKEN_LIFETIME_MS),
  };
}

/** RFC 3986 encoding, as SigV4 canonicalises it (so the server recomputes the same string). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function queryString(query: Record<string, string | string[] | null>): string {
  return Object.entries(query)
    .flatMap(([key, value]) =>
      value === null
        ? []
        : (Array.isArray(value) ? value : [value]).map((v) => `${rfc3986(key)}=${rfc3986(v)}`),
    )
    .join('&');
}
