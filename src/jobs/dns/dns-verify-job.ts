import { z } from 'zod';
import type { DnsLiveItem, DnsType } from '../../changes/dns/dns-change.js';
import { describeValues, sortValues } from '../../changes/dns/record-values.js';
import { zoneOfName } from '../../changes/dns/validate-record-input.js';
import { resolveItem } from '../../changes/dns/verify-dns.js';
import { COMMAND_JOBS } from '../../commands/command-jobs.js';
import { UserError } from '../../errors/user-error.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';

const TYPES: DnsType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

/** `/dns verify <name> [type]`: what the API holds, and whether a DoH resolver answers the same. */
export const dnsVerifyJob = defineJob({
  name: COMMAND_JOBS.dnsVerify,
  payload: commandJobPayload(z.object({ name: z.string(), type: z.string().optional() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const env = environmentOf(ctx.deps, request.env);
    const managed = env.dns.zones.map((z) => z.name);
    const zone = zoneOfName(args.name, managed);
    if (!zone)
      throw new UserError(`${args.name} is outside the zones opsbot manages (${managed.join(', ')}).`);
    const records = await ctx.deps.dns.listRecords(zone, { name: args.name });
    const types = TYPES.filter((t) => (args.type ? t === args.type : records.some((r) => r.type === t)));
    const items: DnsLiveItem[] = types.map((type) => ({
      zone,
      name: args.name,
      type,
      records: sortValues(
        records
          .filter((r) => r.type === type)
          .map((r) => ({
            content: type === 'CNAME' ? r.content.toLowerCase() : r.content,
            proxied: r.proxied,
            ttl: r.ttl,
          })),
      ),
    }));
    const lines: string[] = [];
    let ok = true;
    for (const item of items) {
      const check = await resolveItem(ctx.deps.resolver, item);
      ok &&= check.ok;
      lines.push(
        `${check.ok ? ':white_check_mark:' : ':x:'} API: ${item.type} → ${describeValues(item.records)}\n      ${check.line}`,
      );
    }
    if (items.length === 0) {
      const check = await resolveItem(ctx.deps.resolver, { zone, name: args.name, type: 'A', records: [] });
      lines.push(`:white_circle: Cloudflare has no record at \`${args.name}\`; ${check.line}`);
    }
    const head = `${ok ? ':white_check_mark:' : ':warning:'} *Verify \`${args.name}\`*: ${
      items.length === 0
        ? 'no records'
        : ok
          ? 'the resolver agrees with Cloudflare'
          : 'the resolver does not agree'
    }`;
    const text = `${head}\n${lines.join('\n')}`;
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900) } }],
    });
    return { ok };
  },
});
