import { timingSafeEqual } from 'node:crypto';
import { presignedSignature } from './presigned-signature.js';
import { parseAmzDate } from './sigv4-verify.js';

export type EksTokenResult = { ok: true; principal: string } | { ok: false; reason: string };

export interface EksTokenCheck {
  /** The sandbox endpoint: besides AWS's own STS hosts, the one STS host a token may point at. */
  stsEndpoint: URL;
  credentials: { accessKeyId: string; secretAccessKey: string };
  revoked: boolean;
  now: number;
  maxAgeMs: number;
  /** Every simulated cluster name, to tell "minted for another cluster" from a bad signature. */
  clusterNames: string[];
  principalArn: string;
}

const PREFIX = 'k8s-aws-v1.';
const ALLOWED = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

const no = (reason: string): EksTokenResult => ({ ok: false, reason });

// AWS's STS hosts as aws-iam-authenticator allows them: the global endpoint and the regional ones.
const GLOBAL_STS_HOST = 'sts.amazonaws.com';
const REGIONAL_STS_HOST = /^sts(?:-fips)?\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com$/;

/**
 * Which region an STS host answers for: the sandbox's endpoint answers for any, the global endpoint
 * signs in us-east-1, a regional one in its region. Undefined for any other host.
 */
function stsHostRegion(url: URL, sandbox: URL): string | null | undefined {
  if (url.protocol === sandbox.protocol && url.host === sandbox.host) return null;
  if (url.protocol !== 'https:' || url.port !== '') return undefined;
  if (url.hostname === GLOBAL_STS_HOST) return 'us-east-1';
  return REGIONAL_STS_HOST.exec(url.hostname)?.[1];
}

function decodeUrl(token: string): URL | string {
  if (!token.startsWith(PREFIX)) return `token is missing the "${PREFIX}" prefix`;
  if (token.length > 4096) return 'token is too large';
  const encoded = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(encoded)) return 'token is not base64url-encoded';
  try {
    return new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return 'token does not contain a URL';
  }
}

/**
 * What aws-iam-authenticator checks locally, then what STS checks (key, age, signature); each
 * failure names its cause.
 */
export function validateEksToken(token: string, clusterName: string, check: EksTokenCheck): EksTokenResult {
  const url = decodeUrl(token);
  if (typeof url === 'string') return no(url);
  // EKS takes tokens presigned for AWS's real STS hosts (what an unmodified `aws eks get-token` makes) and
  // checks them with STS; the sandbox checks their signature itself, so it takes those and its own endpoint.
  const hostRegion = stsHostRegion(url, check.stsEndpoint);
  if (hostRegion === undefined)
    return no(`unexpected STS host "${url.protocol}//${url.host}" in pre-signed URL`);
  if (url.pathname !== '/') return no('unexpected path in pre-signed URL');
  const params: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) {
    if (!ALLOWED.has(key.toLowerCase())) return no(`non-whitelisted query parameter "${key}"`);
    const values = url.searchParams.getAll(key);
    if (values.length !== 1) return no('query parameter with multiple values not supported');
    params[key] = values[0]!;
  }
  if (params.Action !== 'GetCallerIdentity') return no('unexpected action parameter in pre-signed URL');
  const signedHeaders = (params['X-Amz-SignedHeaders'] ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id'))
    return no('client did not sign the x-k8s-aws-id header in the pre-signed URL');
  const expires = Number(params['X-Amz-Expires']);
  if (!Number.isInteger(expires) || expires < 0 || expires > 900)
    return no('invalid X-Amz-Expires parameter in pre-signed URL');
  const signedAt = parseAmzDate(params['X-Amz-Date'] ?? '');
  if (!signedAt) return no('X-Amz-Date parameter missing or malformed');
  const age = check.now - signedAt.getTime();
  if (age > check.maxAgeMs)
    return no(
      `token expired: signed ${Math.floor(age / 1000)} s ago, tokens are valid ${check.maxAgeMs / 1000} s`,
    );
  if (age < -5 * 60 * 1000) return no('token not yet valid: X-Amz-Date is in the future');
  return checkSignature(url, params, signedHeaders, clusterName, check, hostRegion);
}

function checkSignature(
  url: URL,
  params: Record<string, string>,
  signedHeaders: string[],
  clusterName: string,
  check: EksTokenCheck,
  hostRegion: string | null,
): EksTokenResult {
  if (params['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') return no('unsupported X-Amz-Algorithm');
  const [keyId, ...scope] = (params['X-Amz-Credential'] ?? '').split('/');
  if (scope.length !== 4 || scope[2] !== 'sts' || scope[0] !== params['X-Amz-Date']?.slice(0, 8))
    return no('X-Amz-Credential does not carry an STS credential scope for X-Amz-Date');
  // STS refuses a signature scoped to another region than the endpoint it was sent to.
  if (hostRegion !== null && scope[1] !== hostRegion)
    return no(
      `STS rejected the signature: credential scoped to "${scope[1]}", but ${url.host} is in "${hostRegion}" (SignatureDoesNotMatch)`,
    );
  if (keyId !== check.credentials.accessKeyId || params['X-Amz-Security-Token'] !== undefined)
    return no('STS rejected the credentials: unknown access key (InvalidClientTokenId)');
  if (check.revoked)
    return no('STS rejected the credentials: the access key was revoked (InvalidClientTokenId)');
  const { 'X-Amz-Signature': given = '', ...query } = params;
  const signatureFor = (cluster: string): string | undefined => {
    const headers: Record<string, string> = { host: url.host, 'x-k8s-aws-id': cluster };
    if (signedHeaders.some((h) => headers[h] === undefined)) return undefined;
    return presignedSignature({
      secretAccessKey: check.credentials.secretAccessKey,
      method: 'GET',
      path: '/',
      query,
      headers: Object.fromEntries(signedHeaders.map((h) => [h, headers[h]!])),
      amzDate: params['X-Amz-Date']!,
      scope: scope.join('/'),
    });
  };
  const matches = (cluster: string) => {
    const expected = signatureFor(cluster);
    return (
      expected !== undefined &&
      expected.length === given.length &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(given))
    );
  };
  if (matches(clusterName)) return { ok: true, principal: check.principalArn };
  const other = check.clusterNames.find((name) => name !== clusterName && matches(name));
  if (other) return no(`wrong cluster: token was minted for "${other}", not "${clusterName}"`);
  return no(
    'bad signature: the pre-signed URL was not signed by the known credentials (SignatureDoesNotMatch)',
  );
}
