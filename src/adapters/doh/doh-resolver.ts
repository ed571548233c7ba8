import { z } from 'zod';
import { TransientError } from '../../errors/transient-error.js';
import type { CallOptions } from '../../ports/call-options.js';
import { abortReason } from '../../ports/call-options.js';
import type { DnsResolution, DnsResolver } from '../../ports/dns-provider.js';

// Cloudflare's (and Google's) JSON DNS answer; we read only what verification needs.
const DohAnswer = z.object({
  Status: z.number().int(),
  Answer: z
    .array(z.object({ name: z.string(), type: z.number().int(), TTL: z.number(), data: z.string() }))
    .optional(),
});

export interface DohResolverOptions {
  /** A JSON DNS endpoint, e.g. https://cloudflare-dns.com/dns-query. */
  url: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** DnsResolver over DNS-over-HTTPS in the JSON format (`accept: application/dns-json`). */
export class DohResolver implements DnsResolver {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: DohResolverOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
  }

  async resolve(name: string, type: string, opts: CallOptions = {}): Promise<DnsResolution> {
    const url = new URL(this.opts.url);
    url.searchParams.set('name', name);
    url.searchParams.set('type', type);
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 5000);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers: { accept: 'application/dns-json' }, signal });
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      throw new TransientError(`DNS resolver ${url.host} unreachable`, { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new TransientError(`DNS resolver ${url.host} answered HTTP ${res.status}`);
    }
    const json = await res.json().catch(() => undefined);
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    const body = DohAnswer.safeParse(json);
    if (!body.success) throw new TransientError(`DNS resolver ${url.host} sent an unreadable answer`);
    return {
      status: body.data.Status,
      answers: (body.data.Answer ?? []).map((a) => ({
        name: a.name,
        type: a.type,
        ttl: a.TTL,
        data: a.data,
      })),
    };
  }
}
