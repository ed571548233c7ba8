import type { DnsZone } from '../../../inventory/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { RecordFields } from './dns-record.js';
import { normalizeName } from './hostnames.js';
import { stableId } from './ids.js';
import { putRecord, type RecordSet } from './put-record.js';

export interface Zone {
  id: string;
  name: string;
  createdOn: string;
  nameServers: string[];
  records: RecordSet;
}

const nameServerNames = ['ada', 'bob', 'cruz', 'dana', 'elle', 'finn', 'gina', 'hugo'];

/** Inventory records carry MX priority in the content ("10 mail.example.com"), as zone files do. */
function seedFields(r: DnsZone['records'][number]): RecordFields {
  const mx = r.type === 'MX' ? /^(\d+)\s+(\S+)$/.exec(r.content) : null;
  return {
    name: r.name,
    type: r.type,
    content: mx?.[2] ?? r.content,
    proxied: r.proxied,
    ttl: r.ttl,
    ...(mx?.[1] !== undefined ? { priority: Number(mx[1]) } : {}),
    comment: null,
    tags: [],
    settings: {},
  };
}

/** Zones and their records; `reset()` returns to the inventory seed with the same ids. */
export class ZoneStore {
  private zones: Zone[] = [];

  constructor(
    private readonly seed: DnsZone[],
    private readonly clock: Clock,
  ) {
    this.reset();
  }

  reset(): void {
    const now = new Date(this.clock.now()).toISOString();
    this.zones = this.seed.map((z) => {
      const name = normalizeName(z.name);
      const id = stableId('zone', name);
      const pick = (i: number) =>
        nameServerNames[Number.parseInt(id.slice(i, i + 2), 16) % nameServerNames.length];
      const zone: Zone = {
        id,
        name,
        createdOn: now,
        nameServers: [`${pick(0)}.ns.cloudflare.com`, `${pick(2)}.ns.cloudflare.com`],
        records: new Map(),
      };
      for (const r of z.records) {
        try {
          putRecord(
            name,
            zone.records,
            seedFields(r),
            now,
            undefined,
            stableId(name, r.name, r.type, r.content),
          );
        } catch (err) {
          throw new Error(
            `cloudflare sandbox: seed record ${r.type} ${r.name} in ${name} is invalid: ${err}`,
          );
        }
      }
      return zone;
    });
  }

  list(): Zone[] {
    return this.zones;
  }

  byId(id: string): Zone | undefined {
    return this.zones.find((z) => z.id === id);
  }

  byName(name: string): Zone | undefined {
    const n = normalizeName(name);
    return this.zones.find((z) => z.name === n);
  }

  /** The zone whose name is the longest suffix of `name`. */
  containing(name: string): Zone | undefined {
    const n = normalizeName(name);
    return this.zones
      .filter((z) => n === z.name || n.endsWith(`.${z.name}`))
      .sort((a, b) => b.name.length - a.name.length)[0];
  }

  /** Runs `change` on a copy of the zone's records and keeps the copy only if it did not throw. */
  transact<T>(zone: Zone, change: (records: RecordSet) => T): T {
    const draft: RecordSet = new Map(zone.records);
    const result = change(draft);
    zone.records = draft;
    return result;
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
