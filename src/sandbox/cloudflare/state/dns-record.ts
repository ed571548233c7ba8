/** Record types the simulated zone accepts (what opsbot manages, plus NS). */
export const SupportedTypes = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS'] as const;
export type SupportedType = (typeof SupportedTypes)[number];

export const ProxiableTypes: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME']);

/** A record as the simulated Cloudflare stores it. Treated as immutable: changes replace it. */
export interface StoredRecord {
  id: string;
  name: string;
  type: SupportedType;
  content: string;
  proxiable: boolean;
  proxied: boolean;
  /** As set; 1 means automatic. Proxied records report 1 regardless. */
  ttl: number;
  priority?: number;
  comment: string | null;
  tags: string[];
  settings: Record<string, unknown>;
  createdOn: string;
  modifiedOn: string;
  commentModifiedOn?: string;
  tagsModifiedOn?: string;
}

/** The fields a client can set; what a PUT replaces and a PATCH merges. */
export interface RecordFields {
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
  priority?: number;
  comment: string | null;
  tags: string[];
  settings: Record<string, unknown>;
}

export function fieldsOf(record: StoredRecord): RecordFields {
  return {
    name: record.name,
    type: record.type,
    content: record.content,
    proxied: record.proxied,
    ttl: record.ttl,
    ...(record.priority !== undefined ? { priority: record.priority } : {}),
    comment: record.comment,
    tags: record.tags,
    settings: record.settings,
  };
}

/**
 * The record in the v4 API's JSON shape (dns.records `RecordResponse` in the SDK). `zone_id` and
 * `zone_name` are not included: the current API and SDK no longer carry them.
 */
export function toApiRecord(record: StoredRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    content: record.content,
    ...(record.priority !== undefined ? { priority: record.priority } : {}),
    proxiable: record.proxiable,
    proxied: record.proxied,
    ttl: record.proxied ? 1 : record.ttl,
    settings: record.settings,
    meta: {},
    comment: record.comment,
    tags: record.tags,
    created_on: record.createdOn,
    modified_on: record.modifiedOn,
    ...(record.commentModifiedOn ? { comment_modified_on: record.commentModifiedOn } : {}),
    ...(record.tagsModifiedOn ? { tags_modified_on: record.tagsModifiedOn } : {}),
  };
}
