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
}

/** The `Registry` port: public sources over the OCI API (anonymous tokens), ECR mirrors through its API and login. */
export class OciRegistry implements Registry {
  private readonly sources = new Map<string, OciClient>();
  private readonly mirrors = new Map<string, OciClient>();

  constructor(private readonly opts: OciRegistryOptions) {}

  async sourceImage(source: string, tag: string): Promise<SourceImage | undefined> {
    const { client, repo } = this.source(source);
    const top = await client.getManifest(repo, tag);
    if (!top) return undefined;
    const parsed = parseOciManifest(top.bytes, top.mediaType);
    const platforms =
      parsed.kind === 'index'
        ? parsed.manifests.map((m) => ({ platform: platformText(m.platform), digest: m.digest }))
        : [];
    return { digest: top.digest, mediaType: top.mediaType, platforms };
  }

  mirrorImage(mirror: MirrorRef, tag: string) {
    return this.opts.ecr.image(mirror, tag);
  }

  mirrorHistory(mirror: MirrorRef) {
    return this.opts.ecr.history(mirror);
  }

  async copy(
    source: string,
    digest: string,
    mirror: MirrorRef,
    tag: string,
    opts: { signal?: AbortSignal; onProgress?: (p: CopyProgress) => void } = {},
  ): Promise<CopyResult> {
    const from = this.source(source);
    const to = { client: await this.mirror(mirror), repo: mirror.repository };
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

  private async mirror(mirror: MirrorRef): Promise<OciClient> {
    const key = `${mirror.region}/${mirror.registry}`;
    let client = this.mirrors.get(key);
    if (!client) {
      const login = await this.opts.ecr.login(mirror);
      client = new OciClient({
        baseUrl: this.opts.ecrUrl ?? login.proxyEndpoint,
        credentials: {
          kind: 'basic',
          get: async () => {
            const fresh = await this.opts.ecr.login(mirror);
            return { user: fresh.user, password: fresh.password };
          },
        },
        ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
      });
      this.mirrors.set(key, client);
    }
    return client;
  }
}
