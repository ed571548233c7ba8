import type { ServerResponse } from 'node:http';
import type { SigV4FailureKind } from './sigv4-verify.js';

/** The three wire protocols served: ECR (awsJson1_1), EKS (restJson1), STS (awsQuery). */
export type AwsProtocol = 'json' | 'rest-json' | 'query';

export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members of the error shape (e.g. EKS `clusterName`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ResponseMeta {
  requestId: string;
  /** The simulated clock's time, sent as `Date` so SDK clock-skew correction follows it. */
  date: Date;
}

export function baseHeaders(meta: ResponseMeta): Record<string, string> {
  return { date: meta.date.toUTCString(), 'x-amzn-requestid': meta.requestId };
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendAwsError(
  res: ServerResponse,
  protocol: AwsProtocol,
  err: AwsError,
  meta: ResponseMeta,
): void {
  let body: string;
  const headers = baseHeaders(meta);
  if (protocol === 'query') {
    const type = err.status >= 500 ? 'Receiver' : 'Sender';
    body =
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>${type}</Type>\n` +
      `    <Code>${xmlEscape(err.code)}</Code>\n    <Message>${xmlEscape(err.message)}</Message>\n  </Error>\n` +
      `  <RequestId>${meta.requestId}</RequestId>\n</ErrorResponse>\n`;
    headers['content-type'] = 'text/xml';
  } else if (protocol === 'json') {
    body = JSON.stringify({ __type: err.code, message: err.message, ...err.extra });
    headers['content-type'] = 'application/x-amz-json-1.1';
  } else {
    body = JSON.stringify({ message: err.message, ...err.extra });
    headers['content-type'] = 'application/json';
    headers['x-amzn-errortype'] = err.code;
  }
  res.writeHead(err.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

const JSON_AUTH: Record<SigV4FailureKind, string> = {
  missing: 'MissingAuthenticationTokenException',
  incomplete: 'IncompleteSignatureException',
  'unknown-key': 'UnrecognizedClientException',
  'bad-signature': 'InvalidSignatureException',
  expired: 'InvalidSignatureException',
};

const QUERY_AUTH: Record<SigV4FailureKind, string> = {
  missing: 'MissingAuthenticationToken',
  incomplete: 'IncompleteSignature',
  'unknown-key': 'InvalidClientTokenId',
  'bad-signature': 'SignatureDoesNotMatch',
  expired: 'SignatureDoesNotMatch',
};

/** A SigV4 failure in the protocol's own code and status (JSON services answer 400, EKS and STS 403). */
export function authError(protocol: AwsProtocol, kind: SigV4FailureKind, message: string): AwsError {
  if (protocol === 'query') return new AwsError(kind === 'incomplete' ? 400 : 403, QUERY_AUTH[kind], message);
  return new AwsError(protocol === 'json' ? 400 : 403, JSON_AUTH[kind], message);
}

/** Injected faults (`Faults`) as the service would report them. */
export function faultError(protocol: AwsProtocol, status: number): AwsError {
  if (status === 429)
    return new AwsError(429, protocol === 'query' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded');
  if (status < 500) return new AwsError(status, 'BadRequestException', `injected fault ${status}`);
  const code =
    protocol === 'query'
      ? 'InternalFailure'
      : status === 503
        ? 'ServiceUnavailableException'
        : 'ServerException';
  return new AwsError(status, code, `injected fault ${status}`);
}
