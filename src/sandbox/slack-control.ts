import { performance } from 'node:perf_hooks';
import type { RecordedMessage } from './slack/recorded-message.js';
import { type BotReply, postInteraction, postSlashCommand } from './slack/send-to-bot.js';
import type { SlackSandbox } from './slack/start-slack-sandbox.js';
import type { SandboxSlackDirectory } from './slack-directory.js';

/** Where the bot listens, once it runs: its events URL and signing secret, or Socket Mode. */
export interface BotEndpoint {
  mode: 'http' | 'socket';
  eventsUrl: string;
  signingSecret: string;
}

/** The bot's answer to what the sandbox sent as Slack, and to each redelivery asked for. */
export interface DeliveryResult extends BotReply {
  retries?: BotReply[];
}

export interface CommandRequest {
  user: string;
  channel?: string | undefined;
  /** The whole line as typed: `/scale provisioners 8`. */
  text: string;
  /** Redeliveries after the first request, each with `X-Slack-Retry-Num` (1, 2, 3) as Slack sends them. */
  retries: number;
}

export interface ActionRequest {
  user: string;
  /** The `ts` of the message the button is on (as `messagesUrl` lists it). */
  ts: string;
  action_id: string;
  /** Picks the button with this value when several share the action_id. */
  value?: string | undefined;
  channel?: string | undefined;
  retries: number;
}

/**
 * Acts as Slack for an outside client (`POST /_sandbox/slack/command|action`): builds the request
 * Slack would send, issuing the response_url and trigger_id, signs it with the app's signing secret
 * (or sends it as a Socket Mode envelope), and returns the bot's HTTP answer.
 */
export class SlackControl {
  constructor(
    private readonly slack: SlackSandbox,
    private readonly directory: SandboxSlackDirectory,
    private readonly bot: () => BotEndpoint | undefined,
  ) {}

  async command(req: CommandRequest): Promise<DeliveryResult> {
    const bot = this.endpoint();
    const line = req.text.trim();
    const command = line.split(/\s+/)[0] ?? '';
    if (!/^\/[a-z0-9_-]+$/i.test(command))
      throw new Error(`text must start with a slash command, e.g. "/ops status" (got "${req.text}")`);
    const fields = this.slack.newSlashCommand({
      command,
      text: line.slice(command.length).trim(),
      userId: this.userId(req.user),
      channelId: this.channelId(req.channel),
    });
    return this.deliver(bot, req.retries, (retryNum) =>
      bot.mode === 'socket'
        ? this.viaSocket('slash_commands', fields)
        : postSlashCommand(bot.eventsUrl, bot.signingSecret, fields, retryNum ? { retryNum } : {}),
    );
  }

  async action(req: ActionRequest): Promise<DeliveryResult> {
    const bot = this.endpoint();
    const userId = this.userId(req.user);
    const channel = req.channel === undefined ? undefined : this.channelId(req.channel);
    const message = this.findMessage(req.ts, req.action_id, channel);
    const payload = this.slack.newBlockActions({
      message,
      actionId: req.action_id,
      userId,
      ...(req.value !== undefined ? { value: req.value, pick: 'value' as const } : {}),
    });
    return this.deliver(bot, req.retries, (retryNum) =>
      bot.mode === 'socket'
        ? this.viaSocket('interactive', payload)
        : postInteraction(bot.eventsUrl, bot.signingSecret, payload, retryNum ? { retryNum } : {}),
    );
  }

  private endpoint(): BotEndpoint {
    const bot = this.bot();
    if (!bot) throw new Error('no bot runs in this sandbox: nothing to send to');
    return bot;
  }

  private async deliver(
    bot: BotEndpoint,
    retries: number,
    send: (retryNum: number) => Promise<BotReply>,
  ): Promise<DeliveryResult> {
    const first = await send(0);
    if (retries === 0) return first;
    if (bot.mode === 'socket')
      throw new Error('retries are for the HTTP mode (Socket Mode redelivers itself)');
    const again: BotReply[] = [];
    for (let n = 1; n <= retries; n++) again.push(await send(n));
    return { ...first, retries: again };
  }

  private async viaSocket(type: 'slash_commands' | 'interactive', payload: object): Promise<BotReply> {
    const started = performance.now();
    const result = await this.slack.socketMode.dispatch(type, payload);
    return {
      status: result.acked ? 200 : 504,
      body: result.response === undefined ? '' : JSON.stringify(result.response),
      ms: performance.now() - started,
    };
  }

  /** A role (`operator`) or a user id of the sandbox's workspace. */
  private userId(user: string): string {
    const users = this.directory.users as Record<string, { id: string }>;
    const byRole = users[user]?.id;
    if (byRole) return byRole;
    if (Object.values(users).some((u) => u.id === user)) return user;
    throw new Error(
      `unknown user "${user}": give a role (${Object.keys(users).join(', ')}) or one of their ids`,
    );
  }

  /** The ops channel by default; `ops`, `other`, a channel name or id of the sandbox's workspace. */
  private channelId(channel: string | undefined): string {
    if (channel === undefined || channel === 'ops') return this.directory.channelId;
    if (channel === 'other') return this.directory.otherChannelId;
    const found = this.directory.channels.find(
      (c) => c.id === channel || c.name === channel.replace(/^#/, ''),
    );
    if (found) return found.id;
    throw new Error(
      `unknown channel "${channel}": give ops, other, or one of ${this.directory.channels.map((c) => `${c.name} (${c.id})`).join(', ')}`,
    );
  }

  /** The message with that ts as it stands now (its latest post or edit) that carries `actionId`. */
  private findMessage(ts: string, actionId: string, channel: string | undefined): RecordedMessage {
    const withTs = this.slack
      .messages()
      .filter((m) => m.ts === ts && (channel === undefined || m.channel === channel));
    if (withTs.length === 0) throw new Error(`no message with ts ${ts}${channel ? ` in ${channel}` : ''}`);
    const latest = withTs.at(-1)!;
    if (!JSON.stringify(latest.blocks ?? []).includes(`"action_id":${JSON.stringify(actionId)}`))
      throw new Error(`message ${ts} has no element with action_id "${actionId}" (now)`);
    return latest;
  }
}
