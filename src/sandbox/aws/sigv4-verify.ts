import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedRequest {
  method: string;
  /** Raw (still percent-encoded) path, as the client signed it. */
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface KnownCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifyContext {
  credentials: KnownCredentials;
  /** Revoked keys are treated as unknown, as AWS does for a deleted key. */
  revoked: boolean;
  now: number;
  /** Presigned URLs: how long after X-Amz-Date they stay valid. */
  presignedMaxAgeMs: number;
}

export type SigV4FailureKind = 'missing' | 'incomplete' | 'unknown-key' | 'bad-signature' | 'expired';
export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string; signedAt: Date }
  | { ok: false; kind: SigV4FailureKind; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
// AWS accepts request times within 5 minutes of its own clock.
const SKEW_MS = 5 * 60 * 1000;
const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

const fail = (kind: SigV4FailureKind, message: string): SigV4Result => ({ ok: false, kind, message });

/** `20240101T000000Z` → Date, or undefined when malformed. */
export function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** The credential scope's service and region, read before the body (to route and to pick fault names). */
export function peekScope(req: { headers: IncomingHttpHeaders; query: SignedRequest['query'] }) {
  const fromHeader = AUTH_PATTERN.exec(req.headers.authorization ?? '')?.[1];
  const fromQuery = req.query['X-Amz-Credential'];
  const credential = fromHeader ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  const parts = credential?.split('/');
  return parts?.length === 5 ? { region: parts[2]!, service: parts[3]! } : undefined;
}

interface Parsed {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

/** Checks what every SigV4 request must satisfy before its signature is recomputed. */
function checkCommon(p: Parsed, ctx: VerifyContext, sessionToken: unknown): SigV4Result | Date {
  if (p.accessKeyId !== ctx.credentials.accessKeyId || ctx.revoked || sessionToken !== undefined)
    return fail('unknown-key', INVALID_TOKEN);
  const signedAt = parseAmzDate(p.amzDate);
  if (!signedAt) return fail('incomplete', `Invalid X-Amz-Date '${p.amzDate}'`);
  if (p.shortDate !== p.amzDate.slice(0, 8))
    return fail(
      'bad-signature',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date`,
    );
  if (!p.signedHeaders.includes('host'))
    return fail('incomplete', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (signedAt.getTime() - ctx.now > SKEW_MS)
    return fail(
      'expired',
      `Signature not yet current: ${p.amzDate} is still later than ${amzDate(ctx.now + SKEW_MS)} (${amzDate(ctx.now)} + 5 min.)`,
    );
  return signedAt;
}

function pickHeaders(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return picked;
}

function signerFor(ctx: VerifyContext, region: string, service: string): SignatureV4 {
  return new SignatureV4({
    credentials: ctx.credentials,
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
}

function sameSignature(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Verifies an `Authorization: AWS4-HMAC-SHA256 …` request by recomputing its signature. */
export async function verifyHeaderSignature(req: SignedRequest, ctx: VerifyContext): Promise<SigV4Result> {
  const header = req.headers.authorization;
  if (!header) return fail('missing', 'Missing Authentication Token');
  const m = AUTH_PATTERN.exec(header);
  const scope = m?.[1]?.split('/');
  if (!m || scope?.length !== 5 || scope[4] !== 'aws4_request')
    return fail(
      'incomplete',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (${ALGORITHM}).`,
    );
  const amz = req.headers['x-amz-date'];
  if (typeof amz !== 'string')
    return fail(
      'incomplete',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  const p: Parsed = {
    accessKeyId: scope[0]!,
    shortDate: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: m[2]!.split(';'),
    signature: m[3]!,
    amzDate: amz,
  };
  const common = checkCommon(p, ctx, req.headers['x-amz-security-token']);
  if (!(common instanceof Date)) return common;
  if (ctx.now - common.getTime() > SKEW_MS)
    return fail(
      'expired',
      `Signature expired: ${amz} is now earlier than ${amzDate(ctx.now - SKEW_MS)} (${amzDate(ctx.now)} - 5 min.)`,
    );
  const declaredHash = req.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(req.body).digest('hex'))
    return fail(
      'bad-signature',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  const request = new HttpRequest({
    method: req.method,
    hostname: 'sandbox',
    path: req.path,
    query: req.query,
    headers: pickHeaders(req.headers, p.signedHeaders),
    body: req.body,
  });
  const signed = await signerFor(ctx, p.region, p.service).sign(request, {
    signingDate: common,
    signableHeaders: new Set(p.signedHeaders),
  });
  const expected = /Signature=([0-9a-f]+)$/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!sameSignature(expected, p.signature)) return fail('bad-signature', BAD_SIGNATURE);
  return { ok: true, accessKeyId: p.accessKeyId, region: p.region, service: p.service, signedAt: common };
}

/** Verifies a presigned (query-string) SigV4 request, e.g. the STS URL inside an EKS token. */
export async function verifyPresigned(req: SignedRequest, ctx: VerifyContext): Promise<SigV4Result> {
  const q = (name: string) => {
    const value = req.query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const credential = q('X-Amz-Credential');
  const [signedHeaders, signature, amz, expires] = [
    q('X-Amz-SignedHeaders'),
    q('X-Amz-Signature'),
    q('X-Amz-Date'),
    q('X-Amz-Expires'),
  ];
  if (!credential) return fail('missing', 'Missing Authentication Token');
  const scope = credential.split('/');
  if (q('X-Amz-Algorithm') !== ALGORITHM || scope.length !== 5 || scope[4] !== 'aws4_request')
    return fail('incomplete', `X-Amz-Algorithm must be ${ALGORITHM} with a valid X-Amz-Credential scope`);
  if (!signedHeaders || !signature || !amz || !expires || !/^\d+$/.test(expires))
    return fail(
      'incomplete',
      'Presigned URLs need X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature',
    );
  const p: Parsed = {
    accessKeyId: scope[0]!,
    shortDate: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate: amz,
  };
  const common = checkCommon(p, ctx, req.query['X-Amz-Security-Token']);
  if (!(common instanceof Date)) return common;
  if (ctx.now > common.getTime() + ctx.presignedMaxAgeMs)
    return fail(
      'expired',
      `Request has expired: signed at ${amz}, valid for ${ctx.presignedMaxAgeMs / 1000} s`,
    );
  const { 'X-Amz-Signature': _signature, ...query } = req.query;
  const request = new HttpRequest({
    method: req.method,
    hostname: 'sandbox',
    path: req.path,
    query,
    headers: pickHeaders(req.headers, p.signedHeaders),
  });
  const signed = await signerFor(ctx, p.region, p.service).presign(request, {
    signingDate: common,
    expiresIn: Number(expires),
    signableHeaders: new Set(p.signedHeaders),
  });
  const expected = String(signed.query?.['X-Amz-Signature'] ?? '');
  if (!sameSignature(expected, signature)) return fail('bad-signature', BAD_SIGNATURE);
  return { ok: true, accessKeyId: p.accessKeyId, region: p.region, service: p.service, signedAt: common };
}

/** `a=1&b=%20x` → { a: '1', b: ' x' }; repeated keys become arrays (SigV4 canonicalises both). */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    const existing = out[key];
    out[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
