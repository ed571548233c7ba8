import type { RateLimiter } from './api/rate-limiter.js';
import { fieldsOf, type RecordFields, type StoredRecord } from './state/dns-record.js';
import { expandName } from './state/hostnames.js';
import { putRecord } from './state/put-record.js';
import type { Zone, ZoneStore } from './state/zone-store.js';

/** Fields an out-of-band edit may set; unspecified ones keep their value (or the API default). */
export interface ControlRecordFields {
  content?: string;
  proxied?: boolean;
  ttl?: number;
  priority?: number;
  comment?: string | null;
}

/** A record as tests look at it. `ttl` is as stored (proxied records still answer 1 over the API). */
export interface PlainRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
  priority?: number;
  comment: string | null;
}

export interface CloudflareControl {
  /** Creates or changes the first `name`/`type` record as a dashboard edit would (same validation). */
  setRecord(zoneName: string, name: string, type: string, fields: ControlRecordFields): PlainRecord;
  /** Deletes every `name`/`type` record; returns how many there were. */
  deleteRecord(zoneName: string, name: string, type: string): number;
  records(zoneName: string): PlainRecord[];
  /** Requests the v4 API has seen since start or the last reset (DoH excluded). */
  requestCount(): number;
  /** Back to the inventory seed; clears the request count and rate-limit windows. */
  reset(): void;
}

function plain(r: StoredRecord): PlainRecord {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    content: r.content,
    proxied: r.proxied,
    ttl: r.ttl,
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    comment: r.comment,
  };
}

export function createControl(
  store: ZoneStore,
  limiter: RateLimiter,
  counter: { requests: number },
): CloudflareControl {
  const zoneNamed = (zoneName: string): Zone => {
    const zone = store.byName(zoneName);
    if (!zone) throw new Error(`cloudflare sandbox: no zone named ${zoneName}`);
    return zone;
  };
  const find = (zone: Zone, name: string, type: string) => {
    const fqdn = expandName(name, zone.name);
    return [...zone.records.values()].filter((r) => r.name === fqdn && r.type === type.toUpperCase());
  };
  return {
    setRecord(zoneName, name, type, fields) {
      const zone = zoneNamed(zoneName);
      const current = find(zone, name, type)[0];
      const base: RecordFields = current
        ? fieldsOf(current)
        : { name, type, content: '', proxied: false, ttl: 1, comment: null, tags: [], settings: {} };
      const merged: RecordFields = { ...base };
      for (const [key, value] of Object.entries(fields))
        if (value !== undefined) Object.assign(merged, { [key]: value });
      const record = store.transact(zone, (records) =>
        putRecord(zone.name, records, merged, store.nowIso(), current),
      );
      return plain(record);
    },
    deleteRecord(zoneName, name, type) {
      const zone = zoneNamed(zoneName);
      const doomed = find(zone, name, type);
      store.transact(zone, (records) => {
        for (const r of doomed) records.delete(r.id);
      });
      return doomed.length;
    },
    records: (zoneName) => [...zoneNamed(zoneName).records.values()].map(plain),
    requestCount: () => counter.requests,
    reset() {
      store.reset();
      limiter.reset();
      counter.requests = 0;
    },
  };
}
