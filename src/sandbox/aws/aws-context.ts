import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RegistryStore } from '../oci/registry-store.js';
import type { Clock } from '../shared/clock.js';
import type { Faults } from '../shared/faults.js';
import { baseHeaders, type ResponseMeta } from './aws-errors.js';
import type { EcrTokenIssuer } from './ecr-token-issuer.js';
import type { PullThroughCache } from './pull-through-cache.js';
import type { SignedRequest } from './sigv4-verify.js';

export interface SimulatedCluster {
  eksName: string;
  region: string;
  /** The (kube sandbox's) API server URL DescribeCluster returns. */
  endpoint: string;
  /** base64 PEM of the cluster CA, as `certificateAuthority.data`. */
  caData: string;
}

export interface AwsSandboxOptions {
  clock: Clock;
  /** API names `eks`, `sts`, `ecr`. */
  faults: Faults;
  /** The only valid credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  accountId: string;
  /** IAM user the credentials belong to (GetCallerIdentity); default `opsbot`. */
  userName?: string;
  clusters: () => SimulatedCluster[];
  ecr: {
    store: RegistryStore;
    registryUrl: () => string;
    /** Region holding the repositories; default `us-east-2`. */
    region?: string;
    /** Share one issuer with the ECR registry's basic `check`; created when absent. */
    tokens?: EcrTokenIssuer;
    /** Pull-through cache rules (DescribePullThroughCacheRules); none when absent. */
    pullThrough?: PullThroughCache;
  };
}

export interface Principal {
  arn: string;
  userId: string;
  account: string;
}

/** One authenticated API call, handed to the per-service handlers. */
export interface AwsCall {
  opts: AwsSandboxOptions;
  tokens: EcrTokenIssuer;
  region: string;
  req: SignedRequest;
  res: ServerResponse;
  meta: ResponseMeta;
  principal: Principal;
}

export function principalFor(opts: AwsSandboxOptions): Principal {
  // IAM user IDs are stable per user: derive one from the key so it looks like AIDA + 17 chars.
  const hash = createHash('sha256').update(opts.credentials.accessKeyId).digest('hex').toUpperCase();
  return {
    arn: `arn:aws:iam::${opts.accountId}:user/${opts.userName ?? 'opsbot'}`,
    userId: `AIDA${hash
      .replace(/[^A-Z2-7]/g, '')
      .padEnd(17, 'Q')
      .slice(0, 17)}`,
    account: opts.accountId,
  };
}

export function sendAwsJson(call: AwsCall, body: unknown, contentType: string): void {
  const text = JSON.stringify(body);
  call.res.writeHead(200, {
    ...baseHeaders(call.meta),
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
  });
  call.res.end(text);
}

export const epochSeconds = (ms: number) => ms / 1000;
