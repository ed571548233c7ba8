import type { DnsRecord, Environment } from '../../inventory/schema.js';
import type { DnsValue } from './dns-change.js';
import { normalizeName } from './validate-record-input.js';

export interface InventoryRecord {
  zone: string;
  record: DnsRecord;
  value: DnsValue;
}

/** Every DNS record the inventory declares for an environment, with its zone. */
export function inventoryRecords(env: Environment): InventoryRecord[] {
  return env.dns.zones.flatMap((zone) =>
    zone.records.map((record) => ({
      zone: zone.name,
      record: { ...record, name: normalizeName(record.name) },
      value: {
        content: normalizeName(record.content),
        proxied: record.proxied,
        ttl: record.proxied ? 1 : record.ttl,
      },
    })),
  );
}

export function inventoryRecordOf(env: Environment, name: string, type: string): InventoryRecord | undefined {
  return inventoryRecords(env).find((r) => r.record.name === name && r.record.type === type);
}

export function managedCount(env: Environment, zone: string): number {
  return inventoryRecords(env).filter((r) => r.zone === zone).length;
}

/** The wildcard of an apex-like name and vice versa: `x` ↔ `*.x`. */
export function partnerName(name: string): string {
  return name.startsWith('*.') ? name.slice(2) : `*.${name}`;
}
