import type { AddressInfo } from 'node:net';
import { App, isValidSlackRequest, SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { postInteraction, postSlashCommand } from '../../../src/sandbox/slack/send-to-bot.js';
import { signSlackRequest } from '../../../src/sandbox/slack/sign-request.js';
import {
  APP_TOKEN,
  BOT_TOKEN,
  OPS,
  type SlackFixture,
  silentLogger,
  startFixture,
  USERS,
} from './slack-fixture.js';

const SECRET = 'sandbox-signing-secret';
const fx: SlackFixture = await startFixture();
const { slack } = fx;

/** A real Bolt app on the HTTP receiver, pointed at the sandbox's Web API. */
const app = new App({
  signingSecret: SECRET,
  token: BOT_TOKEN,
  logger: silentLogger,
  clientOptions: { slackApiUrl: slack.apiUrl },
});
const retries: Array<number | undefined> = [];
app.command('/ops', async ({ ack, respond, command, context }) => {
  retries.push(context.retryNum);
  await ack();
  await respond({
    response_type: 'in_channel',
    text: `plan for ${command.text}`,
    blocks: [
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'approve',
            text: { type: 'plain_text', text: 'Approve' },
            value: 'p1',
          },
        ],
      },
    ],
  });
});
app.action('approve', async ({ ack, respond, body }) => {
  await ack();
  await respond({ replace_original: true, text: `approved by ${body.user.id}` });
});
const server = (await app.start(0)) as unknown as { address(): AddressInfo };
const eventsUrl = `http://127.0.0.1:${server.address().port}/slack/events`;

afterAll(async () => {
  await app.stop();
  await slack.close();
});
beforeEach(() => {
  slack.reset();
  retries.length = 0;
});

function command(text: string): Record<string, string> {
  return slack.newSlashCommand({ command: '/ops', text, userId: USERS.operator.id, channelId: OPS });
}

describe('signSlackRequest', () => {
  it('produces headers that Bolt accepts and rejects when tampered with', () => {
    const body = 'a=1&b=2';
    const ts = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SECRET, body, ts);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    const check = (b: string) =>
      isValidSlackRequest({
        signingSecret: SECRET,
        body: b,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': ts },
      });
    expect(check(body)).toBe(true);
    expect(check('a=1&b=3')).toBe(false);
  });
});

describe('postSlashCommand / postInteraction against a Bolt app', () => {
  it('delivers a signed slash command; the app acks and answers through response_url', async () => {
    const reply = await postSlashCommand(eventsUrl, SECRET, command('scale provisioners 10'));
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeGreaterThan(0);
    const posted = await slack.waitFor((m) => m.via === 'response_url');
    expect(posted).toMatchObject({
      channel: OPS,
      user: USERS.operator.id,
      text: 'plan for scale provisioners 10',
    });
    expect(retries).toEqual([undefined]);
  });

  it('presses a button through a block_actions payload built from the recorded message', async () => {
    await postSlashCommand(eventsUrl, SECRET, command('dns sync'));
    const plan = await slack.waitFor((m) => m.via === 'response_url');
    const payload = slack.newBlockActions({ message: plan, actionId: 'approve', userId: USERS.operator2.id });
    expect((await postInteraction(eventsUrl, SECRET, payload)).status).toBe(200);
    const replaced = await slack.waitFor((m) => m.replace_original === true);
    expect(replaced).toMatchObject({ ts: plan.ts, text: `approved by ${USERS.operator2.id}` });
  });

  it('is refused by Bolt with a wrong secret or a stale timestamp', async () => {
    expect((await postSlashCommand(eventsUrl, 'wrong-secret', command('x'))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSlashCommand(eventsUrl, SECRET, command('x'), { timestampSec: stale })).status).toBe(
      401,
    );
    expect(slack.messages()).toEqual([]);
  });

  it('marks redeliveries with X-Slack-Retry-Num', async () => {
    await postSlashCommand(eventsUrl, SECRET, command('again'), { retryNum: 1 });
    await slack.waitFor((m) => m.via === 'response_url');
    expect(retries).toEqual([1]);
  });
});

describe('a Bolt app in Socket Mode', () => {
  it('connects with the app token, receives a command, acks, and opens a modal with its trigger', async () => {
    const receiver = new SocketModeReceiver({
      appToken: APP_TOKEN,
      logger: silentLogger,
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
    });
    const socketApp = new App({
      receiver,
      token: BOT_TOKEN,
      logger: silentLogger,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    socketApp.command('/ops', async ({ ack, client, command: cmd }) => {
      await ack();
      await client.views.open({
        trigger_id: cmd.trigger_id,
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Workshop prep' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cmd.text } }],
        },
      });
    });
    await socketApp.start();
    try {
      const result = await slack.socketMode.dispatch('slash_commands', command('workshop prep'));
      expect(result.acked).toBe(true);
      const view = await slack.waitFor((m) => m.via === 'views.open');
      expect(view).toMatchObject({ user: USERS.operator.id, text: 'Workshop prep' });
    } finally {
      await socketApp.stop();
    }
  });
});
