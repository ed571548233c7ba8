import { UserError } from '../../errors/user-error.js';
import type { Environment } from '../../inventory/schema.js';
import {
  type ChangeKind,
  combineProgress,
  defineChangeKind,
  type ReadContext,
} from '../../plans/change-kind.js';
import { throwIfAborted } from '../../ports/call-options.js';
import type { DnsProvider, DnsRecordState, DnsResolver } from '../../ports/dns-provider.js';
import { batchOpsFor, mergeBatches } from './batch-ops.js';
import { DNS_KIND, DnsChange, DnsLive, type DnsLiveItem } from './dns-change.js';
import { checkDnsPlan, checkDnsRequest } from './dns-guards.js';
import { dnsWarnings, partnerKey } from './dns-warnings.js';
import { partnerName } from './inventory-records.js';
import { afterItem, describeItem, resolveTargets, sameValues, sortValues } from './record-values.js';
import { renderDnsPlan } from './render-dns-plan.js';
import { summarizeDnsChange } from './summarize-dns-change.js';
import { zoneOfName } from './validate-record-input.js';
import { verifyDns } from './verify-dns.js';

export interface DnsKindOptions {
  dns: DnsProvider;
  resolver: DnsResolver;
  environments: ReadonlyMap<string, Environment>;
}

/** Cloudflare DNS record sets through the plan lifecycle: one or more names, one batch per zone. */
export function createDnsKind(opts: DnsKindOptions): ChangeKind<DnsChange, DnsLive> {
  const { dns, resolver } = opts;
  const envOf = (name: string): Environment => {
    const env = opts.environments.get(name);
    if (!env) throw new UserError(`unknown environment "${name}"`);
    return env;
  };
  const zoneOf = (env: Environment, name: string): string => {
    const zone = zoneOfName(
      name,
      env.dns.zones.map((z) => z.name),
    );
    if (!zone)
      throw new UserError(
        `\`${name}\` is outside the zones opsbot manages for ${env.name} (${env.dns.zones.map((z) => z.name).join(', ')}); nothing was planned.`,
      );
    return zone;
  };
  /** Current records of every zone the change touches, one listing per zone. */
  const readZones = async (
    change: DnsChange,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, DnsRecordState[]>> => {
    const env = envOf(change.env);
    const zones = new Set(change.items.map((i) => zoneOf(env, i.name)));
    const out = new Map<string, DnsRecordState[]>();
    for (const zone of zones) out.set(zone, await dns.listRecords(zone, {}, { signal }));
    return out;
  };
  const recordsAt = (records: DnsRecordState[], name: string, type: string) =>
    records.filter((r) => r.name.toLowerCase() === name && r.type === type);
  const readLive = async (change: DnsChange, context?: ReadContext): Promise<DnsLive> => {
    const env = envOf(change.env);
    const zones = await readZones(change, context?.signal);
    const partners: Record<string, string[]> = {};
    const items: DnsLiveItem[] = change.items.map((item) => {
      const zone = zoneOf(env, item.name);
      const records = zones.get(zone) ?? [];
      const partner = recordsAt(records, partnerName(item.name), item.type);
      if (partner.length) partners[partnerKey(item.name, item.type)] = partner.map((r) => r.content).sort();
      const values = recordsAt(records, item.name, item.type).map(({ content, proxied, ttl }) => ({
        content: item.type === 'CNAME' ? content.toLowerCase() : content,
        proxied,
        ttl,
      }));
      return { zone, name: item.name, type: item.type, records: sortValues(values) };
    });
    return { items, partners };
  };
  return defineChangeKind<DnsChange, DnsLive>({
    kind: DNS_KIND,
    action: (change) => `dns.${change.op}`,
    change: DnsChange,
    live: DnsLive,
    resources: (change) => [...new Set(change.items.map((i) => `dns:${i.name}`))].sort(),
    summary: summarizeDnsChange,
    readLive,
    afterOf: (change, before) => ({
      items: before.items.map((b, i) => (change.items[i] ? afterItem(change.items[i], b) : b)),
      partners: before.partners,
    }),
    progress(live, before, after) {
      const states = after.items.map((want, i) => {
        const now = live.items[i]?.records ?? [];
        if (sameValues(now, before.items[i]?.records ?? [])) return 'before';
        return sameValues(now, want.records) ? 'after' : 'conflict';
      });
      return combineProgress(states);
    },
    equals: (a, b) =>
      a.items.length === b.items.length &&
      a.items.every((x, i) => {
        const y = b.items[i]!;
        return x.name === y.name && x.type === y.type && sameValues(x.records, y.records);
      }),
    async apply(change, { signal }) {
      // Ids come from a fresh read; the lifecycle has just checked that live state equals the plan's before.
      const env = envOf(change.env);
      const zones = await readZones(change, signal);
      for (const [zone, records] of zones) {
        const items = change.items.filter((i) => zoneOf(env, i.name) === zone);
        const batch = mergeBatches(
          items.map((item) => {
            const current = recordsAt(records, item.name, item.type);
            return batchOpsFor(item.name, item.type, current, resolveTargets(item.set, current));
          }),
        );
        // A zone finished by an earlier (crashed) run needs nothing more; an aborted run writes no further zone.
        throwIfAborted(signal);
        if (batch.deletes.length + batch.patches.length + batch.posts.length > 0)
          await dns.batch(zone, batch, { signal });
      }
    },
    verify: (change, after, context) =>
      verifyDns(
        resolver,
        () => readLive(change, { phase: 'apply', signal: context?.signal }),
        after,
        context?.signal,
      ),
    // The undo is as broad as the original, so it keeps its --force; the undoer's role decides whether
    // that (or deleting an inventory record the original re-created) is allowed.
    invert: (change, before, context) => ({
      env: change.env,
      op: 'rollback',
      items: before.items.map((b) => ({
        name: b.name,
        type: b.type,
        set: b.records.map(({ content, proxied, ttl }) => ({ content, proxied, ttl })),
      })),
      ...(change.force ? { force: true } : {}),
      ...(context?.role ? { requesterRole: context.role } : {}),
    }),
    describe: (live) => live.items.map(describeItem).join('; '),
    render: (plan) => renderDnsPlan(opts.environments.get(plan.change.env), plan),
    warnings: (change, before) => dnsWarnings(envOf(change.env), change, before),
    validate: (change, before) => checkDnsPlan(envOf(change.env), change, before),
    // In the ack: an unknown environment or zone, and what only an admin may ask for.
    precheck(change) {
      const env = envOf(change.env);
      for (const item of change.items) zoneOf(env, item.name);
      checkDnsRequest(env, change);
    },
    incident: (change) => change.incident === true,
  });
}
