import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { OffsetClock } from '../../../src/sandbox/shared/clock.js';
import { Faults } from '../../../src/sandbox/shared/faults.js';
import {
  type SlackSandbox,
  type SlackSandboxOptions,
  startSlackSandbox,
} from '../../../src/sandbox/slack/start-slack-sandbox.js';

export const BOT_TOKEN = ['xox', 'b-sandbox-test-bot'].join('');
export const APP_TOKEN = 'xapp-sandbox-test-app';
export const OPS = 'C0AICODEROPS';
export const OTHER = 'C0RANDOM';
export const USERS = {
  admin: { id: 'U0ADMIN', name: 'ada', realName: 'Ada Admin', isAdmin: true },
  operator: { id: 'U0OPER1', name: 'otto', realName: 'Otto Operator' },
  operator2: { id: 'U0OPER2', name: 'olga', realName: 'Olga Operator' },
  viewer: { id: 'U0VIEWER', name: 'vic', realName: 'Vic Viewer' },
  outsider: { id: 'U0OUTSIDE', name: 'oscar', realName: 'Oscar Outsider' },
};

export interface SlackFixture {
  slack: SlackSandbox;
  clock: OffsetClock;
  faults: Faults;
  /** A bot-token WebClient that fails fast instead of retrying, so refusals surface at once. */
  bot: WebClient;
}

export async function startFixture(overrides: Partial<SlackSandboxOptions> = {}): Promise<SlackFixture> {
  const clock = new OffsetClock();
  const faults = new Faults();
  const slack = await startSlackSandbox({
    clock,
    faults,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    teamId: 'T0SANDBOX',
    users: USERS,
    channels: [
      { id: OPS, name: 'ai-coder-ops' },
      { id: OTHER, name: 'random' },
    ],
    usergroups: { S0OPSADMINS: [USERS.admin.id], S0OPSONCALL: [USERS.operator.id, USERS.operator2.id] },
    ...overrides,
  });
  const bot = client(slack, BOT_TOKEN);
  return { slack, clock, faults, bot };
}

/** Keeps WebClient from printing the refusals the tests provoke on purpose. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

export function client(slack: SlackSandbox, token?: string): WebClient {
  return new WebClient(token, {
    logger: silentLogger,
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/** Runs `fn` and returns the Slack error code of the platform_error it must throw. */
export async function slackError(
  fn: () => Promise<unknown>,
): Promise<{ error: string; messages?: string[] }> {
  try {
    await fn();
  } catch (err) {
    const e = err as { code?: string; data?: { error: string; response_metadata?: { messages?: string[] } } };
    if (e.code !== 'slack_webapi_platform_error' || !e.data) throw err;
    const messages = e.data.response_metadata?.messages;
    return { error: e.data.error, ...(messages ? { messages } : {}) };
  }
  throw new Error('expected a Slack platform_error');
}
