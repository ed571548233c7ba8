import { type StoredRecord, toApiRecord } from '../state/dns-record.js';
import { normalizeName } from '../state/hostnames.js';
import type { Zone } from '../state/zone-store.js';
import type { Success } from './envelope.js';
import { paginate } from './paginate.js';

type Predicate = (r: StoredRecord) => boolean;

const textOps: Record<string, (value: string, wanted: string) => boolean> = {
  exact: (v, w) => v === w,
  contains: (v, w) => v.includes(w),
  startswith: (v, w) => v.startsWith(w),
  endswith: (v, w) => v.endsWith(w),
};

/**
 * `field=` (exact), `field.exact=`, `.contains`, `.startswith`, `.endswith` as the SDK sends
 * them (`name: { exact }` becomes `name.exact=`). Comparisons are case-insensitive.
 */
function textFilters(
  query: URLSearchParams,
  field: string,
  get: (r: StoredRecord) => string | null,
): Predicate[] {
  const preds: Predicate[] = [];
  const normalize = field === 'name' ? normalizeName : (s: string) => s.toLowerCase();
  const legacy = query.get(field);
  if (legacy !== null) preds.push((r) => (get(r) ?? '').toLowerCase() === normalize(legacy));
  for (const [op, test] of Object.entries(textOps)) {
    const wanted = query.get(`${field}.${op}`);
    if (wanted !== null) preds.push((r) => test((get(r) ?? '').toLowerCase(), normalize(wanted)));
  }
  if (query.has(`${field}.present`)) preds.push((r) => (get(r) ?? '') !== '');
  if (query.has(`${field}.absent`)) preds.push((r) => (get(r) ?? '') === '');
  return preds;
}

/** `tag.*` filters test each `name:value` tag; `tag_match` combines them. */
function tagFilter(query: URLSearchParams): Predicate[] {
  const preds: Predicate[] = [];
  for (const [op, test] of Object.entries(textOps)) {
    const wanted = query.get(`tag.${op}`)?.toLowerCase();
    if (wanted !== undefined) preds.push((r) => r.tags.some((t) => test(t.toLowerCase(), wanted)));
  }
  const present = query.get('tag.present')?.toLowerCase();
  if (present !== undefined) preds.push((r) => r.tags.some((t) => t.toLowerCase().split(':')[0] === present));
  const absent = query.get('tag.absent')?.toLowerCase();
  if (absent !== undefined) preds.push((r) => !r.tags.some((t) => t.toLowerCase().split(':')[0] === absent));
  if (preds.length === 0) return [];
  const any = query.get('tag_match') === 'any';
  return [(r) => (any ? preds.some((p) => p(r)) : preds.every((p) => p(r)))];
}

function filters(query: URLSearchParams): Predicate[] {
  const preds = [
    ...textFilters(query, 'name', (r) => r.name),
    ...textFilters(query, 'content', (r) => r.content),
    ...textFilters(query, 'comment', (r) => r.comment),
    ...tagFilter(query),
  ];
  const type = query.get('type');
  if (type !== null) preds.push((r) => r.type === type.toUpperCase());
  const proxied = query.get('proxied');
  if (proxied !== null) preds.push((r) => r.proxied === (proxied === 'true'));
  const search = query.get('search')?.toLowerCase();
  if (search !== undefined)
    preds.push((r) => [r.name, r.content, r.comment ?? ''].some((v) => v.toLowerCase().includes(search)));
  return preds;
}

const sortKeys: Record<string, (r: StoredRecord) => string | number> = {
  type: (r) => r.type,
  name: (r) => r.name,
  content: (r) => r.content,
  ttl: (r) => (r.proxied ? 1 : r.ttl),
  proxied: (r) => (r.proxied ? 1 : 0),
};

function compareBy(key: (r: StoredRecord) => string | number) {
  return (a: StoredRecord, b: StoredRecord) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** GET /zones/:id/dns_records with the API's filters, `match`, ordering and paging. */
export function listRecords(zone: Zone, query: URLSearchParams): Success {
  const preds = filters(query);
  const any = query.get('match') === 'any';
  const matches = (r: StoredRecord) =>
    preds.length === 0 || (any ? preds.some((p) => p(r)) : preds.every((p) => p(r)));
  const primary = sortKeys[query.get('order') ?? ''];
  const records = [...zone.records.values()]
    .filter(matches)
    .sort(compareBy(sortKeys.name!))
    .sort(compareBy(primary ?? sortKeys.type!));
  if (query.get('direction') === 'desc') records.reverse();
  const { page, info } = paginate(records, query, {
    defaultPerPage: 100,
    minPerPage: 5,
    maxPerPage: 5_000_000,
  });
  return { result: page.map(toApiRecord), resultInfo: info };
}
