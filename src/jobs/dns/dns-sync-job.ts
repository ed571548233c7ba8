import { z } from 'zod';
import { DNS_KIND, type DnsChange, type DnsItem } from '../../changes/dns/dns-change.js';
import { inventoryRecords } from '../../changes/dns/inventory-records.js';
import { sameValues } from '../../changes/dns/record-values.js';
import { normalizeName } from '../../changes/dns/validate-record-input.js';
import { COMMAND_JOBS } from '../../commands/command-jobs.js';
import { submitChange } from '../../plans/submit-change.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

/**
 * `/dns sync`: compares the inventory's records with Cloudflare and plans every drifted one back
 * in one change (one batch per zone). Records the inventory does not know are left alone.
 */
export const dnsSyncJob = defineJob({
  name: COMMAND_JOBS.dnsSync,
  payload: commandJobPayload(
    z.object({ force: z.boolean(), incident: z.boolean(), reason: z.string().optional() }),
  ),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps; jobId: string }) {
    const env = environmentOf(ctx.deps, request.env);
    const wanted = inventoryRecords(env);
    const items: DnsItem[] = [];
    for (const zone of env.dns.zones) {
      const live = await ctx.deps.dns.listRecords(zone.name);
      for (const w of wanted.filter((r) => r.zone === zone.name)) {
        const current = live
          .filter((r) => normalizeName(r.name) === w.record.name && r.type === w.record.type)
          .map((r) => ({
            content: r.type === 'CNAME' ? normalizeName(r.content) : r.content,
            proxied: r.proxied,
            ttl: r.ttl,
          }));
        if (!sameValues(current, [w.value]))
          items.push({ name: w.record.name, type: w.record.type as DnsItem['type'], set: [w.value] });
      }
    }
    if (items.length === 0) {
      await ctx.deps.chat.postEphemeral({
        channel: request.channel,
        user: request.user,
        text: `:white_check_mark: All ${wanted.length} inventory records of ${env.name} match Cloudflare; nothing to sync.`,
      });
      return { drifted: 0 };
    }
    const change: DnsChange = {
      env: env.name,
      op: 'sync',
      items,
      requesterRole: request.role,
      ...(args.force ? { force: true } : {}),
      ...(args.incident ? { incident: true } : {}),
      ...(args.reason ? { reason: args.reason } : {}),
    };
    await submitChange(ctx.deps, {
      kind: DNS_KIND,
      change,
      environment: env.name,
      requester: request.user,
      channel: request.channel,
      jobId: `${ctx.jobId}-plan`,
    });
    return { drifted: items.length };
  },
});
