import { FileStore } from './file-store.js';
import { MessageStore } from './message-store.js';
import { RateWindow } from './rate-window.js';
import { ResponseUrlRegistry } from './response-url-registry.js';
import type { SandboxUser, SlackSandboxOptions } from './slack-sandbox-options.js';
import { TriggerRegistry } from './trigger-registry.js';
import { ViewStore } from './view-store.js';

export interface SlackIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  /** The deprecated verification token Slack still puts in every payload. */
  verificationToken: string;
}

/** Everything the simulated workspace knows, shared by the Web API, response_url and Socket Mode. */
export class SlackWorld {
  readonly identity: SlackIdentity;
  readonly store: MessageStore;
  readonly triggers: TriggerRegistry;
  readonly responseUrls: ResponseUrlRegistry;
  readonly views: ViewStore;
  readonly updateLimiter: RateWindow;
  readonly files: FileStore;
  private readonly usersById = new Map<string, SandboxUser>();

  constructor(
    readonly opts: SlackSandboxOptions,
    responseUrlBase: () => string,
    /** The sandbox server's own address (upload URLs and `url_private` point at it). */
    readonly baseUrl: () => string = () => '',
  ) {
    this.identity = {
      teamId: opts.teamId,
      teamDomain: opts.teamDomain ?? 'opsbot-sandbox',
      appId: opts.appId ?? 'A0SANDBOXAPP',
      botUserId: opts.botUserId ?? 'U0SANDBOXBOT',
      botId: opts.botId ?? 'B0SANDBOXBOT',
      verificationToken: 'sandbox-verification-token',
    };
    for (const user of Object.values(opts.users)) this.usersById.set(user.id, user);
    this.store = new MessageStore(opts.clock);
    this.triggers = new TriggerRegistry(opts.clock);
    this.responseUrls = new ResponseUrlRegistry(opts.clock, responseUrlBase);
    this.views = new ViewStore(opts.clock, this.identity);
    this.updateLimiter = new RateWindow(opts.clock, opts.chatUpdatesPerMinute ?? 50, 60_000);
    this.files = new FileStore(opts.clock);
  }

  user(id: string): SandboxUser | undefined {
    return this.usersById.get(id);
  }

  channel(id: string): { id: string; name: string } | undefined {
    return this.opts.channels.find((c) => c.id === id);
  }

  /** Resolves what chat.* accepts as `channel`: an id, a name, `#name`, or a user id (their DM with the bot). */
  resolveChannel(value: string): string | undefined {
    const byId = this.channel(value);
    if (byId) return byId.id;
    const name = value.startsWith('#') ? value.slice(1) : value;
    const byName = this.opts.channels.find((c) => c.name === name);
    if (byName) return byName.id;
    if (this.usersById.has(value)) return dmChannelId(value);
    if (value.startsWith('D') && this.usersById.has(`U${value.slice(1)}`)) return value;
    return undefined;
  }

  reset(): void {
    this.store.reset();
    this.triggers.reset();
    this.responseUrls.reset();
    this.views.reset();
    this.updateLimiter.reset();
    this.files.reset();
  }
}

/** The bot's DM channel with a user; stable so tests can predict it. */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}
