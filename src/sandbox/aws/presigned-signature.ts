import { createHash, createHmac } from 'node:crypto';

export interface PresignedInput {
  secretAccessKey: string;
  method: string;
  path: string;
  /** Every query parameter except X-Amz-Signature. */
  query: Record<string, string>;
  /** Lower-case signed header names → values. */
  headers: Record<string, string>;
  amzDate: string;
  /** `<yyyymmdd>/<region>/<service>/aws4_request` */
  scope: string;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * SigV4 signature of a presigned GET, computed synchronously with node:crypto so token checks
 * (called from the kube sandbox on every request) need no promise. Agrees with @smithy/signature-v4's
 * `presign` for bodiless requests; the tests sign with that library and verify with this.
 */
export function presignedSignature(input: PresignedInput): string {
  const names = Object.keys(input.headers).sort();
  const canonicalQuery = Object.keys(input.query)
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(input.query[k]!)}`)
    .join('&');
  const canonicalRequest = [
    input.method,
    input.path,
    canonicalQuery,
    ...names.map((n) => `${n}:${input.headers[n]!.trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    EMPTY_SHA256,
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    input.amzDate,
    input.scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let key: Buffer | string = `AWS4${input.secretAccessKey}`;
  for (const part of input.scope.split('/')) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
