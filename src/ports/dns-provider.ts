import type { CallOptions } from './call-options.js';

export interface DnsRecordState {
  id: string;
  zone: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  /** 1 means automatic. */
  ttl: number;
}

/** The writable fields of a record. */
export interface DnsRecordFields {
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
}

/** One transaction on a zone, applied in this order: deletes, patches, posts. */
export interface DnsBatch {
  deletes: { id: string }[];
  patches: ({ id: string } & DnsRecordFields)[];
  posts: DnsRecordFields[];
}

/** DNS records of the managed zones (Cloudflare in production). */
export interface DnsProvider {
  listRecords(
    zoneName: string,
    filter?: { name?: string; type?: string },
    opts?: CallOptions,
  ): Promise<DnsRecordState[]>;
  /** All or nothing: a rejected item leaves the zone unchanged. */
  batch(zoneName: string, batch: DnsBatch, opts?: CallOptions): Promise<void>;
}

/** One answer of a DNS-over-HTTPS lookup. */
export interface DnsAnswer {
  name: string;
  type: number;
  ttl: number;
  data: string;
}

export interface DnsResolution {
  /** DNS RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN. */
  status: number;
  answers: DnsAnswer[];
}

/** Resolves names as the internet sees them (a DoH resolver in production). */
export interface DnsResolver {
  resolve(name: string, type: string, opts?: CallOptions): Promise<DnsResolution>;
}
