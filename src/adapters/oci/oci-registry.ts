import type { CallOptions } from '../../ports/call-options.js';
import type { CopyProgress, CopyResult, MirrorRef, Registry, SourceImage } from '../../ports/registry.js';
import type { EcrImages } from '../ecr/ecr-images.js';
import { copyImage } from './copy-image.js';
import { OciClient } from './oci-client.js';
import { parseOciManifest, platformText } from './parse-oci-manifest.js';

export interface OciRegistryOptions {
  ecr: EcrImages;
  /** Base URL standing in for `https://ghcr.io` (GHCR_URL; the sandbox). */
  ghcrUrl?: string;
  /** Base URL standing in for every ECR registry (ECR_REGISTRY_URL; the sandbox). */
  ecrUrl?: string;
  fetch?: typeof fetch;
  /** Chunk size of resumable blob uploads to the mirror (default the client's, 16 MiB). */
  chunkBytes?: number;
}

/**
 * The `Registry` port: public sources over the OCI API (anonymous tokens), ECR mirrors through its API and
 * login. The caller's signal reaches every fetch (`{ signal }`) and every ECR call (`{ abortSignal }`).
 */
export class OciRegistry implements Registry {
  private readonly sources = new Map<string, OciClient>();
  private readonly mirrors = new Map<string, OciClient>();

  constructor(private readonly opts: OciRegistryOptions) {}

  async sourceImage(source: string, tag: string, opts: CallOptions = {}): Promise<SourceImage | undefined> {
    const { client, repo } = this.source(source);
    const top = await client.getManifest(repo, tag, opts.signal);
    if (!top) return undefined;
    const parsed = parseOciManifest(top.bytes, top.mediaType);
    const platforms =
      parsed.kind === 'index'
        ? parsed.manifests.map((m) => ({ platform: platformText(m.platform), digest: m.digest }))
        : [];
    return { digest: top.digest, mediaType: top.mediaType, platforms };
  }

  mirrorImage(mirror: MirrorRef, tag: string, opts: CallOptions = {}) {
    return this.opts.ecr.image(mirror, tag, opts);
  }

  mirrorHistory(mirror: MirrorRef, opts: CallOptions = {}) {
    return this.opts.ecr.history(mirror, opts);
  }

  pullThroughRules(mirror: MirrorRef, opts: CallOptions = {}) {
    return this.opts.ecr.pullThroughRules(mirror, opts);
  }

  async copy(
    source: string,
    digest: string,
    mirror: MirrorRef,
    tag: string,
    opts: CallOptions & { onProgress?: (p: CopyProgress) => void; mountFrom?: string[] } = {},
  ): Promise<CopyResult> {
    const from = this.source(source);
    const to = { client: await this.mirror(mirror, opts.signal), repo: mirror.repository };
    return copyImage({ from, to }, digest, tag, opts);
  }

  private source(source: string): { client: OciClient; repo: string } {
    const slash = source.indexOf('/');
    const host = source.slice(0, slash);
    let client = this.sources.get(host);
    if (!client) {
      const baseUrl = host === 'ghcr.io' && this.opts.ghcrUrl ? this.opts.ghcrUrl : `https://${host}`;
      client = new OciClient({
        baseUrl,
        credentials: { kind: 'anonymous' },
        ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
      });
      this.sources.set(host, client);
    }
    return { client, repo: source.slice(slash + 1) };
  }

  private async mirror(mirror: MirrorRef, signal?: AbortSignal): Promise<OciClient> {
    const key = `${mirror.region}/${mirror.registry}`;
    let client = this.mirrors.get(key);
    if (!client) {
      const login = await this.opts.ecr.login(mirror, { signal });
      client = new OciClient({
        baseUrl: this.opts.ecrUrl ?? login.proxyEndpoint,
        credentials: {
          kind: 'basic',
          get: async (signal) => {
            const fresh = await this.opts.ecr.login(mirror, { signal });
            return { user: fresh.user, password: fresh.password };
          },
        },
        ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
        ...(this.opts.chunkBytes ? { chunkBytes: this.opts.chunkBytes } : {}),
      });
      this.mirrors.set(key, client);
    }
    return client;
  }
}
