import { inventoryRecords } from '../../changes/dns/inventory-records.js';
import { describeValues, sameValues } from '../../changes/dns/record-values.js';
import { normalizeName } from '../../changes/dns/validate-record-input.js';
import type { Environment } from '../../inventory/schema.js';
import type { Blocks } from '../../ports/chat.js';
import type { DnsRecordState } from '../../ports/dns-provider.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';

const MAX_CHARS = 2800;
const MAX_SECTIONS = 40;

export interface DnsListing {
  env: Environment;
  zones: string[];
  /** Only this name (all types), when asked for one. */
  name?: string;
  records: DnsRecordState[];
}

/** One record's line; names, types and contents come from Cloudflare, where anyone with dashboard access writes them. */
function line(r: DnsRecordState, env: Environment): { text: string; drift: boolean } {
  const name = normalizeName(r.name);
  const value = {
    content: r.type === 'CNAME' ? normalizeName(r.content) : r.content,
    proxied: r.proxied,
    ttl: r.ttl,
  };
  const tracked = inventoryRecords(env).find((i) => i.record.name === name && i.record.type === r.type);
  const mark = !tracked
    ? ':white_circle:'
    : sameValues([value], [tracked.value])
      ? ':large_green_circle:'
      : ':warning: *drift*';
  const drift =
    tracked && !sameValues([value], [tracked.value])
      ? ` · inventory: ${describeValues([tracked.value])}`
      : '';
  return {
    text: `${mark} ${code(name)} ${untrusted(r.type)} → ${describeValues([value])}${drift}`,
    drift: !!drift,
  };
}

/** Sections of record lines (Slack caps a section at 3,000 characters and a message at 50 blocks). */
function sections(lines: string[]): Blocks {
  const out: Blocks = [];
  let chunk = '';
  for (const l of lines) {
    if (chunk && chunk.length + l.length + 1 > MAX_CHARS) {
      out.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${l}` : l;
  }
  if (chunk) out.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  return out.slice(0, MAX_SECTIONS);
}

/** `/dns list`: every record (or one name's) with drift against the inventory marked; missing ones listed. */
export function renderDnsList(listing: DnsListing): { text: string; blocks: Blocks } {
  const { env, records } = listing;
  const listed = records.map((r) => line(r, env));
  const lines = listed.map((l) => l.text);
  const present = new Set(records.map((r) => `${normalizeName(r.name)}|${r.type}`));
  const missing = inventoryRecords(env).filter(
    (i) =>
      listing.zones.includes(i.zone) &&
      (!listing.name || i.record.name === listing.name) &&
      !present.has(`${i.record.name}|${i.record.type}`),
  );
  for (const m of missing)
    lines.push(
      `:x: *missing* ${code(m.record.name)} ${m.record.type} · inventory: ${describeValues([m.value])}`,
    );
  const drifted = listed.filter((l) => l.drift).length;
  const scope = listing.name ? code(listing.name) : listing.zones.join(', ');
  const head = `*DNS ${scope}* · ${records.length} record(s) · ${drifted} drifted · ${missing.length} missing from Cloudflare`;
  const legend = ':large_green_circle: matches inventory · :warning: drift · :white_circle: not in inventory';
  const blocks: Blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    ...(lines.length
      ? sections(lines)
      : [{ type: 'section', text: { type: 'mrkdwn', text: '_No records._' } }]),
    { type: 'context', elements: [{ type: 'mrkdwn', text: legend }] },
  ];
  return {
    text: `DNS ${scope}: ${records.length} records, ${drifted} drifted, ${missing.length} missing`,
    blocks,
  };
}
