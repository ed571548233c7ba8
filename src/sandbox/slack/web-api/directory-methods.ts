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
      tz: 'America/Chicago',
      tz_label: 'Central Standard Time',
      tz_offset: -21600,
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
