import type { Zone, ZoneStore } from '../state/zone-store.js';
import type { Success } from './envelope.js';
import { paginate } from './paginate.js';

// One simulated account owns every zone.
const account = { id: 'a5bd6e2f0c1d4b7e9f8a3c2d1e0f4a5b', name: 'Coder Sandbox' };

export function toApiZone(zone: Zone): Record<string, unknown> {
  return {
    id: zone.id,
    name: zone.name,
    status: 'active',
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: zone.nameServers,
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: zone.createdOn,
    modified_on: zone.createdOn,
    activated_on: zone.createdOn,
    meta: { step: 2, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
    owner: { id: null, type: 'user', email: null },
    account,
    tenant: { id: null, name: null },
    tenant_unit: { id: null },
    permissions: ['#dns_records:edit', '#dns_records:read', '#zone:read'],
    plan: {
      id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
      name: 'Free Website',
      price: 0,
      currency: 'USD',
      frequency: '',
      is_subscribed: false,
      can_subscribe: false,
      legacy_id: 'free',
      legacy_discount: false,
      externally_managed: false,
    },
  };
}

/** `name` accepts `operator:value` (starts_with, ends_with, contains, not_equal, equal). */
function nameMatches(zoneName: string, filter: string): boolean {
  const m = /^(equal|not_equal|starts_with|ends_with|contains)(?:_case_sensitive)?:(.*)$/.exec(filter);
  const op = m?.[1] ?? 'equal';
  const value = (m?.[2] ?? filter).toLowerCase();
  switch (op) {
    case 'not_equal':
      return zoneName !== value;
    case 'starts_with':
      return zoneName.startsWith(value);
    case 'ends_with':
      return zoneName.endsWith(value);
    case 'contains':
      return zoneName.includes(value);
    default:
      return zoneName === value;
  }
}

export function listZones(store: ZoneStore, query: URLSearchParams): Success {
  const name = query.get('name');
  const status = query.get('status');
  // Every simulated zone is active.
  const zones = store
    .list()
    .filter((z) => (name === null || nameMatches(z.name, name)) && (status === null || status === 'active'))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (query.get('direction') === 'desc') zones.reverse();
  const { page, info } = paginate(zones, query, { defaultPerPage: 20, minPerPage: 5, maxPerPage: 50 });
  return { result: page.map(toApiZone), resultInfo: info };
}
