import type { SlackWorld } from '../slack-world.js';
import { type ApiArgs, optString } from './api-args.js';
import { SlackApiError } from './slack-api-error.js';

type Json = Record<string, unknown>;

export function authTest(world: SlackWorld): Json {
  const { teamDomain, teamId, botUserId, botId } = world.identity;
  return {
    ok: true,
    url: `https://${teamDomain}.slack.com/`,
    team: 'opsbot sandbox',
    user: 'opsbot',
    team_id: teamId,
    user_id: botUserId,
    bot_id: botId,
    is_enterprise_install: false,
  };
}

const DEFAULT_TZ = 'America/Chicago';

/** Slack's tz fields: the zone, its name and offset (seconds east of UTC) as they are right now. */
function userTimeZone(tz: string, now: number): { tz: string; tz_label: string; tz_offset: number } {
  const name = (style: 'long' | 'longOffset') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  // "GMT-05:00" (or plain "GMT" for a zero offset) → -18000
  const m = name('longOffset').match(/^GMT(?:([+-])(\d{2}):(\d{2}))?$/);
  const offset = m?.[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { tz, tz_label: name('long'), tz_offset: offset };
}

export function usersInfo(world: SlackWorld, args: ApiArgs): Json {
  const id = optString(args, 'user');
  const user = id === undefined ? undefined : world.user(id);
  if (!user) throw new SlackApiError('user_not_found');
  const admin = user.isAdmin ?? false;
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: world.identity.teamId,
      name: user.name,
      deleted: false,
      real_name: user.realName,
      ...userTimeZone(user.tz ?? DEFAULT_TZ, world.opts.clock.now()),
      is_admin: admin,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: false,
      is_app_user: false,
      updated: 1732770000,
      profile: {
        real_name: user.realName,
        display_name: user.name,
        real_name_normalized: user.realName,
        display_name_normalized: user.name,
        team: world.identity.teamId,
      },
    },
  };
}

export function conversationsInfo(world: SlackWorld, args: ApiArgs): Json {
  const id = optString(args, 'channel');
  const channel = id === undefined ? undefined : world.channel(id);
  if (!channel) throw new SlackApiError('channel_not_found');
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: false,
      is_archived: false,
      is_general: false,
      is_member: true,
      created: 1700000000,
      creator: world.identity.botUserId,
      name_normalized: channel.name,
      context_team_id: world.identity.teamId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
    },
  };
}

export function usergroupsUsersList(world: SlackWorld, args: ApiArgs): Json {
  const id = optString(args, 'usergroup');
  const users = id === undefined ? undefined : world.opts.usergroups[id];
  if (!users) throw new SlackApiError('no_such_subteam');
  return { ok: true, users: [...users] };
}
