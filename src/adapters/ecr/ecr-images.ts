import {
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  paginateDescribeImages,
  paginateDescribePullThroughCacheRules,
} from '@aws-sdk/client-ecr';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { CallOptions } from '../../ports/call-options.js';
import { abortReason, throwIfAborted } from '../../ports/call-options.js';
import type { Clock } from '../../ports/clock.js';
import type { MirrorImage, MirrorRef, PullThroughRule } from '../../ports/registry.js';
import { classifyEcrError } from './classify-ecr-error.js';

export interface EcrImagesOptions {
  credentials: AwsCredentialIdentityProvider;
  /** AWS_ENDPOINT_URL (the sandbox). */
  endpoint?: string;
  clock: Clock;
}

export interface EcrLogin {
  user: string;
  password: string;
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` as ECR names it. */
  proxyEndpoint: string;
}

/**
 * ECR's own API: image digests and push times, and the registry login (valid 12 h, refreshed an hour early).
 * The caller's signal goes to `send(command, { abortSignal })` (the paginator passes it to every page).
 */
export class EcrImages {
  private readonly clients = new Map<string, ECRClient>();
  private readonly logins = new Map<string, { login: EcrLogin; expiresAt: number }>();

  constructor(private readonly opts: EcrImagesOptions) {}

  async image(mirror: MirrorRef, tag: string, opts: CallOptions = {}): Promise<MirrorImage | undefined> {
    throwIfAborted(opts.signal);
    try {
      const out = await this.client(mirror.region).send(
        new DescribeImagesCommand({
          repositoryName: mirror.repository,
          registryId: registryId(mirror),
          imageIds: [{ imageTag: tag }],
        }),
        sendOptions(opts),
      );
      const d = out.imageDetails?.[0];
      return d?.imageDigest ? toImage(d) : undefined;
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (/ImageNotFound|RepositoryNotFound/.test((err as Error).name ?? '')) return undefined;
      throw classifyEcrError(err, `DescribeImages ${mirror.repository}:${tag}`);
    }
  }

  async history(mirror: MirrorRef, opts: CallOptions = {}): Promise<MirrorImage[]> {
    throwIfAborted(opts.signal);
    const out: MirrorImage[] = [];
    try {
      for await (const page of paginateDescribeImages(
        { client: this.client(mirror.region) },
        { repositoryName: mirror.repository, registryId: registryId(mirror) },
        sendOptions(opts),
      ))
        for (const d of page.imageDetails ?? []) if (d.imageDigest) out.push(toImage(d));
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (/RepositoryNotFound/.test((err as Error).name ?? '')) return [];
      throw classifyEcrError(err, `DescribeImages ${mirror.repository}`);
    }
    return out;
  }

  /** The registry's pull-through cache rules (DescribePullThroughCacheRules, every page). */
  async pullThroughRules(mirror: MirrorRef, opts: CallOptions = {}): Promise<PullThroughRule[]> {
    throwIfAborted(opts.signal);
    const out: PullThroughRule[] = [];
    try {
      for await (const page of paginateDescribePullThroughCacheRules(
        { client: this.client(mirror.region) },
        { registryId: registryId(mirror) },
        sendOptions(opts),
      ))
        for (const r of page.pullThroughCacheRules ?? [])
          if (r.ecrRepositoryPrefix && r.upstreamRegistryUrl)
            out.push({
              prefix: r.ecrRepositoryPrefix.replace(/\/$/, ''),
              upstreamRegistry: r.upstreamRegistryUrl,
              ...(r.upstreamRepositoryPrefix && r.upstreamRepositoryPrefix !== 'ROOT'
                ? { upstreamRepositoryPrefix: r.upstreamRepositoryPrefix.replace(/\/$/, '') }
                : {}),
            });
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      throw classifyEcrError(err, 'DescribePullThroughCacheRules', 'ecr:DescribePullThroughCacheRules');
    }
    return out;
  }

  async login(mirror: MirrorRef, opts: CallOptions = {}): Promise<EcrLogin> {
    const key = `${mirror.region}/${registryId(mirror)}`;
    const cached = this.logins.get(key);
    if (cached && cached.expiresAt - 3_600_000 > this.opts.clock.now()) return cached.login;
    throwIfAborted(opts.signal);
    try {
      const out = await this.client(mirror.region).send(
        new GetAuthorizationTokenCommand({}),
        sendOptions(opts),
      );
      const data = out.authorizationData?.[0];
      const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error('GetAuthorizationToken gave no token');
      const login = {
        user: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        proxyEndpoint: data?.proxyEndpoint ?? `https://${mirror.registry}`,
      };
      const expiresAt = data?.expiresAt?.getTime() ?? this.opts.clock.now() + 12 * 3_600_000;
      this.logins.set(key, { login, expiresAt });
      return login;
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      throw classifyEcrError(err, 'GetAuthorizationToken');
    }
  }

  private client(region: string): ECRClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new ECRClient({
        region,
        credentials: this.opts.credentials,
        maxAttempts: 2,
        ...(this.opts.endpoint ? { endpoint: this.opts.endpoint } : {}),
      });
      this.clients.set(region, client);
    }
    return client;
  }
}

/** AWS SDK v3 per-call options: `abortSignal` cancels the HTTP request and stops the retry strategy. */
function sendOptions(opts: CallOptions): { abortSignal?: AbortSignal } {
  return opts.signal ? { abortSignal: opts.signal } : {};
}

/** The account id is the first label of `<account>.dkr.ecr.<region>.amazonaws.com`. */
function registryId(mirror: MirrorRef): string | undefined {
  const first = mirror.registry.split('.')[0];
  return first && /^\d{12}$/.test(first) ? first : undefined;
}

function toImage(d: { imageDigest?: string | undefined; imagePushedAt?: Date | undefined }): MirrorImage {
  return { digest: d.imageDigest ?? '', ...(d.imagePushedAt ? { pushedAt: d.imagePushedAt.getTime() } : {}) };
}
