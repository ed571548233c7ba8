import type { Environment } from '../../inventory/schema.js';
import { code } from '../../slack-text/code.js';
import type { DnsChange, DnsItem, DnsLive, DnsLiveItem } from './dns-change.js';
import { inventoryRecordOf, partnerName } from './inventory-records.js';
import { afterItem, describeValues, sameValues } from './record-values.js';
import { unreachableAddress } from './validate-record-input.js';

export const partnerKey = (name: string, type: string) => `${partnerName(name)}|${type}`;

/** What an SRE should look at twice before approving: implausible targets, drift, a wildcard/apex split. */
export function dnsWarnings(env: Environment, change: DnsChange, before: DnsLive): string[] {
  const warnings: string[] = [];
  const names = new Set(change.items.map((i) => `${i.name}|${i.type}`));
  change.items.forEach((item, i) => {
    const b = before.items[i];
    if (!b) return;
    const after = afterItem(item, b);
    if (sameValues(b.records, after.records)) return;
    warnings.push(...plausibility(after));
    warnings.push(...drift(env, item, after));
    const partner = partnerName(item.name);
    const partnerContents = before.partners[partnerKey(item.name, item.type)] ?? [];
    const afterContents = after.records.map((r) => r.content).sort();
    if (
      item.set.length > 0 &&
      partnerContents.length > 0 &&
      !names.has(`${partner}|${item.type}`) &&
      partnerContents.join(',') !== afterContents.join(',')
    )
      warnings.push(
        `${code(partner)} ${item.type} still points to ${partnerContents.map(code).join(', ')}: the wildcard and its apex would diverge (workspace apps vs the dashboard). Change both if that is not intended.`,
      );
  });
  return warnings;
}

function plausibility(after: DnsLiveItem): string[] {
  if (after.type !== 'A' && after.type !== 'AAAA') return [];
  return after.records.flatMap((r) => {
    const why = unreachableAddress(r.content);
    return why
      ? [`${code(r.content)} is ${why}: users on the internet cannot reach ${code(after.name)} there.`]
      : [];
  });
}

function drift(env: Environment, item: DnsItem, after: DnsLiveItem): string[] {
  const tracked = inventoryRecordOf(env, item.name, item.type);
  if (!tracked || sameValues(after.records, [tracked.value])) return [];
  return [
    `Leaves ${code(item.name)} ${item.type} different from the inventory (${describeValues([tracked.value])}); \`/dns sync\` would put it back. Update infra/environments/${env.name}.yaml if this is meant to stay.`,
  ];
}
