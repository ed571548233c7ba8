import { z } from 'zod';
import { Role } from '../../inventory/schema.js';
import { CHANGE_KINDS } from '../change-kinds.js';

/** Record types opsbot plans changes for (MX and others are left to the dashboard). */
export const DnsType = z.enum(['A', 'AAAA', 'CNAME', 'TXT']);
export type DnsType = z.infer<typeof DnsType>;

/** What one record should be; unset proxied/ttl keep the current record's (or Cloudflare's defaults). */
export const DnsTarget = z.object({
  content: z.string().min(1),
  proxied: z.boolean().optional(),
  /** 1 is automatic. */
  ttl: z.number().int().optional(),
});
export type DnsTarget = z.infer<typeof DnsTarget>;

/** Make the records of `name`/`type` exactly `set` ([] deletes them). Names are full, lowercase, no dot. */
export const DnsItem = z.object({ name: z.string().min(1), type: DnsType, set: z.array(DnsTarget).max(20) });
export type DnsItem = z.infer<typeof DnsItem>;

export const DnsOp = z.enum(['update', 'delete', 'sync', 'rollback']);
export type DnsOp = z.infer<typeof DnsOp>;

/** A DNS change as queued and stored with its plan: one or more record sets, applied as one batch per zone. */
export const DnsChange = z.object({
  /** The inventory environment whose zones the names must belong to. */
  env: z.string().min(1),
  op: DnsOp,
  items: z.array(DnsItem).min(1).max(50),
  reason: z.string().max(300).optional(),
  incident: z.boolean().optional(),
  /** Allows a plan touching more than `dns.maxChangeShare` of a zone's managed records (admins only). */
  force: z.boolean().optional(),
  /** Role of the requester when asked (inventory deletes and --force need admin). */
  requesterRole: Role.optional(),
  /** For rollbacks: the plan whose records are restored. */
  rollbackOf: z.string().optional(),
});
export type DnsChange = z.infer<typeof DnsChange>;

export const DnsValue = z.object({ content: z.string(), proxied: z.boolean(), ttl: z.number().int() });
export type DnsValue = z.infer<typeof DnsValue>;

export const DnsLiveItem = z.object({
  zone: z.string(),
  name: z.string(),
  type: DnsType,
  /** Sorted by content, so equal sets compare equal. */
  records: z.array(DnsValue),
});
export type DnsLiveItem = z.infer<typeof DnsLiveItem>;

/** The live state a DNS plan starts from: one entry per item, in the change's order. */
export const DnsLive = z.object({
  items: z.array(DnsLiveItem),
  /** Context only (not compared): contents of each item's wildcard/apex partner, e.g. `*.x` for `x`. */
  partners: z.record(z.string(), z.array(z.string())).default({}),
});
export type DnsLive = z.infer<typeof DnsLive>;

export const DNS_KIND = CHANGE_KINDS.dns;
