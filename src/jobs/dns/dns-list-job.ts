import { z } from 'zod';
import { zoneOfName } from '../../changes/dns/validate-record-input.js';
import { COMMAND_JOBS } from '../../commands/command-jobs.js';
import { UserError } from '../../errors/user-error.js';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { renderDnsList } from './render-dns-list.js';

/** `/dns list [zone|name]`: the records of the managed zones, answered to the caller. */
export const dnsListJob = defineJob({
  name: COMMAND_JOBS.dnsList,
  payload: commandJobPayload(z.object({ target: z.string().optional() })),
  attempts: 2,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const env = environmentOf(ctx.deps, request.env);
    const managed = env.dns.zones.map((z) => z.name);
    const target = args.target;
    let zones = managed;
    let name: string | undefined;
    if (target && managed.includes(target)) zones = [target];
    else if (target) {
      const zone = zoneOfName(target, managed);
      if (!zone)
        throw new UserError(`${target} is outside the zones opsbot manages (${managed.join(', ')}).`);
      zones = [zone];
      name = target;
    }
    const records = [];
    for (const zone of zones) records.push(...(await ctx.deps.dns.listRecords(zone, name ? { name } : {})));
    records.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    const { text, blocks } = renderDnsList({ env, zones, records, ...(name ? { name } : {}) });
    await ctx.deps.chat.postEphemeral({ channel: request.channel, user: request.user, text, blocks });
    return { records: records.length };
  },
});
