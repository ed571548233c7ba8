import { z } from 'zod';
import { defineJob } from '../../queue/define-job.js';
import { commandJobPayload } from '../command-job.js';
import { environmentOf, type JobDeps } from '../job-deps.js';
import { settleWithin } from '../settle-within.js';
import { recommendReplicas } from './recommend-replicas.js';

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
        const want = r.upTo ? `${r.replicas}–${r.upTo}` : `${r.replicas}`;
        const capped = d && r.replicas > d.replicas.max ? ` (above the inventory max ${d.replicas.max})` : '';
        const tier = r.beyondTable
          ? `:warning: ${args.users} users is beyond the table (last tier: ${r.tierMaxUsers})`
          : `${r.headroomPercent} % headroom in the ≤ ${r.tierMaxUsers} users tier`;
        const low =
          !r.beyondTable && r.headroomPercent < minHeadroom
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
