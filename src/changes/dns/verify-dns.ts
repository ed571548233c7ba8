import type { VerifyResult } from '../../plans/change-kind.js';
import { throwIfAborted } from '../../ports/call-options.js';
import type { DnsResolver } from '../../ports/dns-provider.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { DnsLive, DnsLiveItem } from './dns-change.js';
import { describeValues, sameValues } from './record-values.js';
import { resolveApexCname } from './resolve-apex-cname.js';

const TYPE_CODES: Record<string, number> = { A: 1, CNAME: 5, TXT: 16, AAAA: 28 };

/** Resolver answers are the record's content as the internet sees it: untrusted text. */
const listed = (values: string[]) => values.map(untrusted).join(', ');

const clean = (type: string, data: string) =>
  type === 'TXT' ? data.replace(/^"(.*)"$/s, '$1') : data.toLowerCase().replace(/\.$/, '');

export interface ItemCheck {
  ok: boolean;
  line: string;
}

/**
 * Resolves one record set through the resolver and says whether the answer matches. A failed lookup is a
 * line of the report; an aborted one (`signal`, the run's) rejects with the abort.
 */
export async function resolveItem(
  resolver: DnsResolver,
  item: DnsLiveItem,
  signal?: AbortSignal,
): Promise<ItemCheck> {
  const proxied = item.records.some((r) => r.proxied);
  if (!proxied && item.type === 'CNAME' && item.name === item.zone && item.records.length > 0)
    return resolveApexCname(resolver, item, signal);
  const qtype = proxied ? (item.type === 'AAAA' ? 'AAAA' : 'A') : item.type;
  try {
    const res = await resolver.resolve(item.name, qtype, { signal });
    const owner = `${item.name}.`;
    const answers = res.answers.filter((a) => a.type === TYPE_CODES[qtype] && a.name.toLowerCase() === owner);
    const data = answers.map((a) => clean(qtype, a.data)).sort();
    if (item.records.length === 0) {
      // A deleted record: the resolver either has nothing (said as such) or still serves a cached answer.
      const now =
        res.status === 3
          ? 'resolver now finds no such name (NXDOMAIN)'
          : data.length
            ? `resolver still answers ${listed(data)} (a cached answer can last up to the old TTL)`
            : `resolver now has no ${qtype} answer`;
      return { ok: true, line: `\`${item.name}\` ${item.type}: ${now}` };
    }
    if (proxied)
      return data.length > 0
        ? {
            ok: true,
            line: `\`${item.name}\`: resolver answers Cloudflare's edge (${listed(data)}), as proxied`,
          }
        : { ok: false, line: `\`${item.name}\`: resolver has no ${qtype} answer yet (status ${res.status})` };
    const expected = item.records.map((r) => r.content).sort();
    const ok = data.join(',') === expected.join(',');
    return ok
      ? { ok, line: `\`${item.name}\` ${item.type}: resolver answers ${listed(data)}` }
      : {
          ok,
          line: `\`${item.name}\` ${item.type}: ${data.length ? `resolver answers ${listed(data)}` : `resolver has no ${qtype} answer (status ${res.status})`}, expected ${listed(expected)} (a cached answer can last up to the old TTL)`,
        };
  } catch (err) {
    throwIfAborted(signal);
    return {
      ok: false,
      line: `\`${item.name}\`: resolver check failed (${untrusted((err as Error).message)})`,
    };
  }
}

/** Reads the records back through the API, then asks the resolver; both must agree with the plan. */
export async function verifyDns(
  resolver: DnsResolver,
  readBack: () => Promise<DnsLive>,
  after: DnsLive,
  signal?: AbortSignal,
): Promise<VerifyResult> {
  const now = await readBack();
  const lines: string[] = [];
  let ok = true;
  for (const [i, expected] of after.items.entries()) {
    const live = now.items[i];
    if (!live || !sameValues(live.records, expected.records)) {
      ok = false;
      lines.push(
        `\`${expected.name}\` ${expected.type}: API shows ${describeValues(live?.records ?? [])}, expected ${describeValues(expected.records)}`,
      );
      continue;
    }
    const check = await resolveItem(resolver, expected, signal);
    ok &&= check.ok;
    lines.push(`API ✓; ${check.line}`);
  }
  return { ok, detail: lines.join('\n') };
}
