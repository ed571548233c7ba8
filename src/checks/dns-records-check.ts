import { randomBytes } from 'node:crypto';
import { CHANGE_KINDS } from '../changes/change-kinds.js';
import type { DnsItem, DnsLiveItem } from '../changes/dns/dns-change.js';
import { inventoryRecords } from '../changes/dns/inventory-records.js';
import { describeValues, sameValues, sortValues } from '../changes/dns/record-values.js';
import { normalizeName } from '../changes/dns/validate-record-input.js';
import { resolveItem } from '../changes/dns/verify-dns.js';
import { code } from '../slack-text/code.js';
import type { Check, CheckResult } from './check.js';
import { plural } from './describe.js';
import { perPart } from './per-part.js';

/**
 * A fresh random label under a wildcard, so the resolver answers from the wildcard itself: a fixed
 * name could have a record of its own, or be cached from an earlier run.
 */
export function wildcardSample(wildcard: string): string {
  return `opsbot-${randomBytes(4).toString('hex')}.${wildcard.slice(2)}`;
}

/** The inventory's DNS records against Cloudflare, and what a resolver answers for them (wildcards too). */
export const dnsRecordsCheck: Check = {
  id: 'dns-records',
  title: 'DNS records',
  situations: ['dns', 'routing'],
  async run(ctx) {
    const wanted = inventoryRecords(ctx.env);
    const drift: DnsItem[] = [];
    const results = await perPart(
      ctx,
      ctx.env.dns.zones,
      (z) => z.name,
      async (zone): Promise<CheckResult[]> => {
        const live = await ctx.dns.listRecords(zone.name);
        const out: CheckResult[] = [];
        const mine = wanted.filter((w) => w.zone === zone.name);
        for (const w of mine) {
          const current = sortValues(
            live
              .filter((r) => normalizeName(r.name) === w.record.name && r.type === w.record.type)
              .map((r) => ({
                content: r.type === 'CNAME' ? normalizeName(r.content) : r.content,
                proxied: r.proxied,
                ttl: r.ttl,
              })),
          );
          if (!sameValues(current, [w.value])) {
            drift.push({ name: w.record.name, type: w.record.type as DnsItem['type'], set: [w.value] });
            out.push({
              status: 'fail',
              subject: w.record.name,
              summary: `${code(w.record.name)} ${w.record.type} differs from the inventory`,
              evidence: [
                `${code(w.record.name)} ${w.record.type}: Cloudflare has ${describeValues(current)}, inventory says ${describeValues([w.value])}`,
              ],
            });
            continue;
          }
          // What the internet sees: a wildcard is checked through a random name under it.
          const wildcard = w.record.name.startsWith('*.');
          const name = wildcard ? wildcardSample(w.record.name) : w.record.name;
          const item: DnsLiveItem = {
            zone: zone.name,
            name,
            type: w.record.type as DnsItem['type'],
            records: current,
          };
          const resolved = await resolveItem(ctx.resolver, item);
          if (!resolved.ok)
            out.push({
              status: 'fail',
              subject: w.record.name,
              summary: wildcard
                ? `${code(w.record.name)} does not resolve as the record says (asked for ${code(name)})`
                : `${code(name)} does not resolve as the record says`,
              evidence: [resolved.line],
            });
        }
        if (!out.length)
          out.push({
            status: 'ok',
            subject: zone.name,
            summary: `${code(zone.name)}: ${plural(mine.length, 'record')} match the inventory and resolve`,
            evidence: [],
          });
        return out;
      },
    );
    const firstDrift = results.find((r) => r.status === 'fail' && drift.some((d) => d.name === r.subject));
    if (!firstDrift) return results;
    return results.map((r) =>
      r === firstDrift
        ? {
            ...r,
            remediation: {
              kind: CHANGE_KINDS.dns,
              change: { env: ctx.env.name, op: 'sync', items: drift, reason: '/diagnose: DNS drift' },
              label: `Sync ${plural(drift.length, 'DNS record')} to the inventory`,
            },
          }
        : r,
    );
  },
};
