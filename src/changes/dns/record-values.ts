import { code } from '../../slack-text/code.js';
import type { DnsItem, DnsLiveItem, DnsTarget, DnsValue } from './dns-change.js';

/** Cloudflare answers proxied records with TTL 1 (automatic). */
export const AUTO_TTL = 1;

export function sortValues(values: DnsValue[]): DnsValue[] {
  return [...values].sort((a, b) => (a.content < b.content ? -1 : a.content > b.content ? 1 : 0));
}

/** The records an item's target set becomes on top of the current ones (unset fields keep the current record's). */
export function resolveTargets(set: DnsTarget[], current: DnsValue[]): DnsValue[] {
  const base = current[0];
  return sortValues(
    set.map((t) => {
      const proxied = t.proxied ?? base?.proxied ?? false;
      const keptTtl = base && !base.proxied ? base.ttl : AUTO_TTL;
      return { content: t.content, proxied, ttl: proxied ? AUTO_TTL : (t.ttl ?? keptTtl) };
    }),
  );
}

export function afterItem(item: DnsItem, before: DnsLiveItem): DnsLiveItem {
  return { ...before, records: resolveTargets(item.set, before.records) };
}

export function sameValues(a: DnsValue[], b: DnsValue[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sortValues(a);
  const sb = sortValues(b);
  return sa.every((v, i) => {
    const w = sb[i]!;
    return v.content === w.content && v.proxied === w.proxied && v.ttl === w.ttl;
  });
}

export function ttlText(ttl: number): string {
  return ttl === AUTO_TTL ? 'TTL auto' : `TTL ${ttl}s`;
}

export function describeValue(v: DnsValue): string {
  // Content comes from Cloudflare or the requester: shown as code, it can carry no markup.
  return `${code(v.content)} (${v.proxied ? 'proxied' : 'DNS only'}, ${ttlText(v.ttl)})`;
}

export function describeValues(values: DnsValue[]): string {
  if (values.length === 0) return 'no record';
  return values.map(describeValue).join(', ');
}

export function describeItem(item: DnsLiveItem): string {
  return `${code(item.name)} ${item.type} → ${describeValues(item.records)}`;
}
