import type { SlackWorld } from './slack-world.js';

export interface SlashCommandArgs {
  command: string;
  text: string;
  userId: string;
  channelId: string;
}

/** The form fields Slack POSTs for a slash command, with a live response_url and trigger_id. */
export function newSlashCommand(world: SlackWorld, args: SlashCommandArgs): Record<string, string> {
  const { teamId, teamDomain, appId, verificationToken } = world.identity;
  const channelName =
    world.channel(args.channelId)?.name ??
    (args.channelId.startsWith('D') ? 'directmessage' : 'privategroup');
  return {
    token: verificationToken,
    team_id: teamId,
    team_domain: teamDomain,
    channel_id: args.channelId,
    channel_name: channelName,
    user_id: args.userId,
    user_name: world.user(args.userId)?.name ?? args.userId,
    command: args.command,
    text: args.text,
    api_app_id: appId,
    is_enterprise_install: 'false',
    response_url: world.responseUrls.issue(teamId, { channel: args.channelId, user: args.userId }),
    trigger_id: world.triggers.issue(args.userId),
  };
}
