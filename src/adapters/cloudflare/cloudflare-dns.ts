import Cloudflare from 'cloudflare';
import type { DnsBatch, DnsProvider, DnsRecordState } from '../../ports/dns-provider.js';
import { classifyCloudflareError } from './classify-cloudflare-error.js';

export interface CloudflareDnsOptions {
  apiToken: string;
  baseUrl?: string;
  /** Retries are ours to steer (BullMQ backoff), so the SDK's own stay few to protect the 1,200/5 min budget. */
  maxRetries?: number;
  timeoutMs?: number;
}

/** DnsProvider over the official `cloudflare` SDK; zone ids are looked up once by name. */
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

  async zoneId(zoneName: string): Promise<string> {
    const known = this.zoneIds.get(zoneName);
    if (known) return known;
    try {
      for await (const zone of this.client.zones.list({ name: zoneName })) {
        if (zone.name === zoneName) {
          this.zoneIds.set(zoneName, zone.id);
          return zone.id;
        }
      }
    } catch (err) {
      throw classifyCloudflareError(err, `looking up zone ${zoneName}`);
    }
    throw classifyCloudflareError(
      new Error(`zone ${zoneName} is not in this Cloudflare account`),
      'zone lookup',
    );
  }

  async listRecords(
    zoneName: string,
    filter: { name?: string; type?: string } = {},
  ): Promise<DnsRecordState[]> {
    const zoneId = await this.zoneId(zoneName);
    const records: DnsRecordState[] = [];
    try {
      for await (const r of this.client.dns.records.list({
        zone_id: zoneId,
        ...(filter.name ? { name: { exact: filter.name } } : {}),
        ...(filter.type ? { type: filter.type as 'A' } : {}),
      })) {
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
      throw classifyCloudflareError(err, `listing records of ${zoneName}`);
    }
    return records;
  }

  /** One Cloudflare batch request: atomic, so a failure (or a retry after one) never leaves a zone half-changed. */
  async batch(zoneName: string, batch: DnsBatch): Promise<void> {
    const zoneId = await this.zoneId(zoneName);
    const size = batch.deletes.length + batch.patches.length + batch.posts.length;
    if (size === 0) return;
    try {
      // The SDK types posts/patches as a union per record type; ours are A/AAAA/CNAME/TXT records.
      await this.client.dns.records.batch({
        zone_id: zoneId,
        ...(batch.deletes.length ? { deletes: batch.deletes } : {}),
        ...(batch.patches.length ? { patches: batch.patches as never } : {}),
        ...(batch.posts.length ? { posts: batch.posts as never } : {}),
      });
    } catch (err) {
      throw classifyCloudflareError(err, `changing ${size} record(s) in ${zoneName}`);
    }
  }
}
