import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { settleWithin } from '../settle-within.js';
import { type Recommendation, recommendReplicas } from './recommend-replicas.js';

/** `/scale recommend <users>`: the capacity table against live replicas; read-only, answered to the caller. */
export const scaleRecommendJob = defineJob({
  name: 'scale.recommend',
  payload: commandJobPayload(z.object({ users: z.number().int().positive() })),
  attempts: 1,
  async process({ request, args }, ctx: { deps: JobDeps }) {
    const env = environmentOf(ctx.deps, request.env);
    const recs = recommendReplicas(env, args.users);
    const minHeadroom = env.thresholds.capacityHeadroomMinPercent;
    const lines = await Promise.all(
      recs.map(async (r) => {
        const d = env.deployments.find((x) => x.target === r.target);
        let now = '';
        if (d) {
          const live = await settleWithin(
            ctx.deps.clusters.client(d.cluster).getDeployment(d.namespace, d.name),
            8000,
          );
          now = live.ok ? `now ${live.value?.desired ?? '?'}` : `now unknown: ${live.error}`;
        }
        if (r.beyondTable) return beyondTableLine(r, args.users, now, d?.replicas.max);
        const want = r.upTo ? `${r.replicas}–${r.upTo}` : `${r.replicas}`;
        const capped = d && r.replicas > d.replicas.max ? ` (above the inventory max ${d.replicas.max})` : '';
        const tier = `${r.headroomPercent} % headroom in the ≤ ${r.tierMaxUsers} users tier`;
        const low =
          r.headroomPercent < minHeadroom
            ? ` — :warning: under ${minHeadroom} %${r.upTo ? `, prefer ${r.upTo}` : ', plan for the next tier'}`
            : '';
        const suggest = r.upTo && low ? r.upTo : r.replicas;
        return `• \`${r.target}\`: *${want}* replicas${capped} (${now}); ${tier}${low}\n   \`/scale ${r.target} ${suggest} --for 4h\``;
      }),
    );
    const text = `*Capacity for ${args.users} concurrent users in ${env.name}*\n${lines.join('\n') || 'The inventory has no capacity table.'}`;
    await ctx.deps.chat.postEphemeral({
      channel: request.channel,
      user: request.user,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
    });
    return { recommendations: recs.length };
  },
});

/**
 * More users than the capacity table covers: its last row is not a recommendation. Say what the last tier's
 * rate would need, and what stands in the way (the inventory max), instead of suggesting a count that is short.
 */
function beyondTableLine(r: Recommendation, users: number, now: string, max: number | undefined): string {
  const last = r.upTo ? `${r.replicas}–${r.upTo}` : `${r.replicas}`;
  const need = r.extrapolated ?? r.replicas;
  const head = `• \`${r.target}\`: :warning: ${users} users is beyond the capacity table, whose last tier covers ${r.tierMaxUsers} users with ${last} replicas (${now}).`;
  const guess = `At that tier's rate ${users} users would need about *${need}* replicas (an estimate, not a measured tier).`;
  if (max !== undefined && need > max)
    return `${head}\n   ${guess} That is above the inventory max of ${max}: add a tier for ${users} users to \`capacity.${r.target}\` and raise the max in the inventory, or split the workshop.`;
  return `${head}\n   ${guess} Add a tier for ${users} users to \`capacity.${r.target}\` once it is measured; meanwhile:\n   \`/scale ${r.target} ${need} --for 4h\``;
}
