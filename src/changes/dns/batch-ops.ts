import type { DnsBatch, DnsRecordState } from '../../ports/dns-provider.js';
import type { DnsValue } from './dns-change.js';

const same = (r: DnsRecordState, v: DnsValue) =>
  r.content === v.content && r.proxied === v.proxied && r.ttl === v.ttl;

/**
 * The batch operations that turn the `current` records of one name/type into `desired`, touching as
 * few records as possible: identical ones stay, others are patched in place, the rest deleted or created.
 */
export function batchOpsFor(
  name: string,
  type: string,
  current: DnsRecordState[],
  desired: DnsValue[],
): DnsBatch {
  let rest = [...current];
  let wanted = [...desired];
  const take = (match: (r: DnsRecordState, v: DnsValue) => boolean) => {
    const pairs: [DnsRecordState, DnsValue][] = [];
    for (const v of [...wanted]) {
      const r = rest.find((c) => match(c, v));
      if (!r) continue;
      pairs.push([r, v]);
      rest = rest.filter((c) => c !== r);
      wanted = wanted.filter((w) => w !== v);
    }
    return pairs;
  };
  take(same);
  const patches = [...take((r, v) => r.content === v.content), ...take(() => true)].map(([r, v]) => ({
    id: r.id,
    name,
    type,
    ...v,
  }));
  return {
    deletes: rest.map((r) => ({ id: r.id })),
    patches,
    posts: wanted.map((v) => ({ name, type, ...v })),
  };
}

export function mergeBatches(batches: DnsBatch[]): DnsBatch {
  return {
    deletes: batches.flatMap((b) => b.deletes),
    patches: batches.flatMap((b) => b.patches),
    posts: batches.flatMap((b) => b.posts),
  };
}
