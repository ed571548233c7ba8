import Cloudflare from 'cloudflare';
import type { CallOptions } from '../../ports/call-options.js';
import { abortReason, throwIfAborted } from '../../ports/call-options.js';
import type { DnsBatch, DnsProvider, DnsRecordState } from '../../ports/dns-provider.js';
import { classifyCloudflareError } from './classify-cloudflare-error.js';

export interface CloudflareDnsOptions {
  apiToken: string;
  baseUrl?: string;
  /** Retries are ours to steer (BullMQ backoff), so the SDK's own stay few to protect the 1,200/5 min budget. */
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * DnsProvider over the official `cloudflare` SDK; zone ids are looked up once by name. The caller's signal
 * goes in each request's options (`{ signal }`): the SDK cancels the request, skips its retries and, for a
 * list, the pages after it.
 */
export class CloudflareDns implements DnsProvider {
  private readonly client: Cloudflare;
  private readonly zoneIds = new Map<string, string>();

  constructor(opts: CloudflareDnsOptions) {
    this.client = new Cloudflare({
      apiToken: opts.apiToken,
      ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
      maxRetries: opts.maxRetries ?? 1,
      timeout: opts.timeoutMs ?? 10_000,
    });
  }

  async zoneId(zoneName: string, opts: CallOptions = {}): Promise<string> {
    const known = this.zoneIds.get(zoneName);
    if (known) return known;
    throwIfAborted(opts.signal);
    try {
      for await (const zone of this.client.zones.list({ name: zoneName }, requestOptions(opts))) {
        if (zone.name === zoneName) {
          this.zoneIds.set(zoneName, zone.id);
          return zone.id;
        }
      }
    } catch (err) {
      throw classify(err, `looking up zone ${zoneName}`, opts);
    }
    throw classifyCloudflareError(
      new Error(`zone ${zoneName} is not in this Cloudflare account`),
      'zone lookup',
    );
  }

  async listRecords(
    zoneName: string,
    filter: { name?: string; type?: string } = {},
    opts: CallOptions = {},
  ): Promise<DnsRecordState[]> {
    const zoneId = await this.zoneId(zoneName, opts);
    const records: DnsRecordState[] = [];
    try {
      for await (const r of this.client.dns.records.list(
        {
          zone_id: zoneId,
          ...(filter.name ? { name: { exact: filter.name } } : {}),
          ...(filter.type ? { type: filter.type as 'A' } : {}),
        },
        requestOptions(opts),
      )) {
        records.push({
          id: r.id,
          zone: zoneName,
          name: r.name,
          type: r.type,
          content: String(r.content ?? ''),
          proxied: Boolean(r.proxied),
          ttl: Number(r.ttl),
        });
      }
    } catch (err) {
      throw classify(err, `listing records of ${zoneName}`, opts);
    }
    return records;
  }

  /** One Cloudflare batch request: atomic, so a failure (or a retry after one) never leaves a zone half-changed. */
  async batch(zoneName: string, batch: DnsBatch, opts: CallOptions = {}): Promise<void> {
    const zoneId = await this.zoneId(zoneName, opts);
    const size = batch.deletes.length + batch.patches.length + batch.posts.length;
    if (size === 0) return;
    throwIfAborted(opts.signal);
    try {
      // The SDK types posts/patches as a union per record type; ours are A/AAAA/CNAME/TXT records.
      await this.client.dns.records.batch(
        {
          zone_id: zoneId,
          ...(batch.deletes.length ? { deletes: batch.deletes } : {}),
          ...(batch.patches.length ? { patches: batch.patches as never } : {}),
          ...(batch.posts.length ? { posts: batch.posts as never } : {}),
        },
        requestOptions(opts),
      );
    } catch (err) {
      throw classify(err, `changing ${size} record(s) in ${zoneName}`, opts);
    }
  }
}

function requestOptions(opts: CallOptions): { signal?: AbortSignal } {
  return opts.signal ? { signal: opts.signal } : {};
}

/** A call the caller aborted rejects with the abort (the SDK's APIUserAbortError would read as a refusal). */
function classify(err: unknown, doing: string, opts: CallOptions): Error {
  return opts.signal?.aborted ? abortReason(opts.signal) : classifyCloudflareError(err, doing);
}
