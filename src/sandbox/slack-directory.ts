import type { Environment } from '../inventory/schema.js';

export const SANDBOX_OTHER_CHANNEL = 'C0SANDBOXRANDOM';

/**
 * The sandbox's Slack workspace: one user per role (two operators, for the two-person rule), an
 * outsider, the environment's ops and audit channels plus one channel opsbot must refuse, and the
 * inventory's user groups filled with those users. `others` are environments the bot also serves
 * without the sandbox simulating them: their channels exist, and their user groups only hold these
 * users where they are the simulated environment's groups (so a test inventory can give a user a
 * role in one environment only).
 */
export function sandboxSlackDirectory(env: Environment, others: Environment[] = []) {
  const users = {
    // Different zones, so times shown per user (charts, reminders) can be told apart in tests.
    admin: { id: 'U0SBADMIN01', name: 'ada', realName: 'Ada Admin', isAdmin: true, tz: 'UTC' },
    operator: { id: 'U0SBOPER01', name: 'oscar', realName: 'Oscar Operator', tz: 'America/Chicago' },
    operator2: { id: 'U0SBOPER02', name: 'olga', realName: 'Olga Operator', tz: 'Europe/London' },
    viewer: { id: 'U0SBVIEW01', name: 'vera', realName: 'Vera Viewer', tz: 'America/Los_Angeles' },
    outsider: { id: 'U0SBOUTS01', name: 'otto', realName: 'Otto Outsider', tz: 'Asia/Tokyo' },
  };
  const usergroups: Record<string, string[]> = {};
  const add = (groups: string[], ids: string[]) => {
    for (const g of groups) usergroups[g] = [...new Set([...(usergroups[g] ?? []), ...ids])];
  };
  add(env.access.roles.admin.usergroups, [users.admin.id]);
  add(env.access.roles.operator.usergroups, [users.operator.id, users.operator2.id]);
  add(env.access.roles.viewer.usergroups, [users.viewer.id]);
  for (const other of others) for (const rule of Object.values(other.access.roles)) add(rule.usergroups, []);
  const channels = [
    ...env.slack.opsChannels.map((id, i) => ({ id, name: i === 0 ? 'ops' : `ops-${i + 1}` })),
    ...(env.slack.auditChannel ? [{ id: env.slack.auditChannel, name: 'ops-audit' }] : []),
    { id: SANDBOX_OTHER_CHANNEL, name: 'random' },
  ];
  for (const other of others) {
    const slug = other.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const named = [
      ...other.slack.opsChannels.map((id, i) => ({
        id,
        name: i === 0 ? `ops-${slug}` : `ops-${slug}-${i + 1}`,
      })),
      ...(other.slack.auditChannel ? [{ id: other.slack.auditChannel, name: `ops-audit-${slug}` }] : []),
    ];
    channels.push(...named.filter((n) => !channels.some((c) => c.id === n.id)));
  }
  return {
    teamId: 'T0SANDBOX',
    users,
    usergroups,
    channels,
    channelId: env.slack.opsChannels[0]!,
    otherChannelId: SANDBOX_OTHER_CHANNEL,
  };
}
export type SandboxSlackDirectory = ReturnType<typeof sandboxSlackDirectory>;
