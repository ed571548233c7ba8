import { throwIfAborted } from '../../ports/call-options.js';
import type { DnsResolver } from '../../ports/dns-provider.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { DnsLiveItem } from './dns-change.js';
import type { ItemCheck } from './verify-dns.js';

const FAMILIES = [
  { qtype: 'A', code: 1 },
  { qtype: 'AAAA', code: 28 },
] as const;

/** Sorted addresses of one family; `owner` keeps only those it owns (the flattened apex), else the chain's end. */
async function addressesOf(
  resolver: DnsResolver,
  name: string,
  qtype: string,
  code: number,
  owner: string | undefined,
  signal: AbortSignal | undefined,
) {
  const res = await resolver.resolve(name, qtype, { signal });
  return res.answers
    .filter((a) => a.type === code && (owner === undefined || a.name.toLowerCase() === owner))
    .map((a) => a.data.toLowerCase())
    .sort();
}

/**
 * Cloudflare flattens a CNAME at the zone apex: resolvers get A/AAAA owned by the apex, never the CNAME.
 * So the apex is verified by its addresses: they must equal what the CNAME's target resolves to.
 */
export async function resolveApexCname(
  resolver: DnsResolver,
  item: DnsLiveItem,
  signal?: AbortSignal,
): Promise<ItemCheck> {
  const target = item.records[0]!.content;
  // Resolver answers and record contents come from outside: shown as plain text, never as mrkdwn.
  const shownTarget = untrusted(target);
  try {
    let ok = true;
    const apexAll: string[] = [];
    const targetAll: string[] = [];
    for (const { qtype, code } of FAMILIES) {
      const apex = await addressesOf(resolver, item.name, qtype, code, `${item.name}.`, signal);
      const wanted = await addressesOf(resolver, target, qtype, code, undefined, signal);
      ok &&= apex.join(',') === wanted.join(',');
      apexAll.push(...apex);
      targetAll.push(...wanted);
    }
    const answers = apexAll.map(untrusted).join(', ');
    if (ok && apexAll.length > 0)
      return {
        ok,
        line: `\`${item.name}\` CNAME: resolver answers ${answers}, the addresses of ${shownTarget} (Cloudflare flattens a CNAME at the apex)`,
      };
    return {
      ok: false,
      line: `\`${item.name}\` CNAME: resolver answers ${answers || 'no address'} for the apex, expected the addresses of ${shownTarget} (${targetAll.map(untrusted).join(', ') || 'it has none'}; a cached answer can last up to the old TTL)`,
    };
  } catch (err) {
    throwIfAborted(signal);
    return {
      ok: false,
      line: `\`${item.name}\`: resolver check failed (${untrusted((err as Error).message)})`,
    };
  }
}
