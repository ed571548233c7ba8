import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { workshopPrepModal } from '../../../src/handlers/forms/workshop-prep-modal.js';
import { postInteraction } from '../../../src/sandbox/slack/send-to-bot.js';
import {
  BOT_TOKEN,
  OPS,
  type SlackFixture,
  silentLogger,
  slackError,
  startFixture,
  USERS,
} from './slack-fixture.js';

const SECRET = 'sandbox-signing-secret';
const fx: SlackFixture = await startFixture();
const { slack, bot, clock } = fx;

/** A real Bolt app: what it receives, and its answer (errors while `users` is not 42, then close). */
const received: Record<string, unknown>[] = [];
const app = new App({
  signingSecret: SECRET,
  token: BOT_TOKEN,
  logger: silentLogger,
  clientOptions: { slackApiUrl: slack.apiUrl },
});
app.view('form', async ({ ack, body, view }) => {
  received.push(body as unknown as Record<string, unknown>);
  const users = view.state.values.users?.n?.value;
  if (users === '7') await ack({ response_action: 'errors', errors: { nowhere: 'no such block' } });
  else if (users !== '42') await ack({ response_action: 'errors', errors: { users: 'Give 42.' } });
  else await ack();
});
const server = (await app.start(0)) as unknown as { address(): AddressInfo };
const eventsUrl = `http://127.0.0.1:${server.address().port}/slack/events`;

afterAll(async () => {
  await app.stop();
  await slack.close();
});
beforeEach(() => {
  slack.reset();
  clock.reset();
  received.length = 0;
});

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string) => ({ text: plain(value), value });
const form = {
  type: 'modal' as const,
  callback_id: 'form',
  title: plain('A form'),
  submit: plain('Go'),
  private_metadata: '{"channel":"C0AICODEROPS"}',
  blocks: [
    {
      type: 'input',
      block_id: 'users',
      label: plain('Users'),
      element: {
        type: 'number_input',
        action_id: 'n',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '100',
      },
    },
    {
      type: 'input',
      block_id: 'size',
      label: plain('Size'),
      element: {
        type: 'static_select',
        action_id: 's',
        options: [option('small'), option('large')],
        initial_option: option('small'),
      },
    },
    {
      type: 'input',
      block_id: 'note',
      optional: true,
      label: plain('Note'),
      element: { type: 'plain_text_input', action_id: 't', max_length: 10 },
    },
    { type: 'input', label: plain('Day'), element: { type: 'datepicker', action_id: 'd' }, optional: true },
  ],
};

function trigger(userId = USERS.operator.id): string {
  return slack.newSlashCommand({ command: '/workshop', text: 'prep', userId, channelId: OPS }).trigger_id!;
}

async function open(view: object = form): Promise<string> {
  const res = await bot.views.open({ trigger_id: trigger(), view: view as never });
  return res.view!.id!;
}

describe('views.open validates modals as Slack does', () => {
  it('accepts the /workshop prep form', async () => {
    const view = workshopPrepModal({
      metadata: { channel: OPS, env: 'ai.coder.com' },
      environments: ['ai.coder.com', 'coderdemo.io'],
    });
    await expect(bot.views.open({ trigger_id: trigger(), view })).resolves.toMatchObject({ ok: true });
  });

  it('refuses bad input elements, long metadata and initial options that are not offered', async () => {
    const bad = {
      ...form,
      private_metadata: 'x'.repeat(3001),
      blocks: [
        { ...form.blocks[0], element: { type: 'number_input', action_id: 'n' } },
        { ...form.blocks[1], element: { ...form.blocks[1]!.element, initial_option: option('huge') } },
        { ...form.blocks[2], element: { type: 'plain_text_input', action_id: 't', max_length: 3001 } },
        {
          type: 'input',
          block_id: 'day',
          label: plain('Day'),
          element: { type: 'timepicker', action_id: 'd', initial_time: '25:00' },
        },
      ],
    };
    expect(
      (await slackError(() => bot.views.open({ trigger_id: trigger(), view: bad as never }))).messages,
    ).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
      '[ERROR] missing required field: is_decimal_allowed [json-pointer:/view/blocks/0/element]',
      '[ERROR] must match one of the options [json-pointer:/view/blocks/1/element/initial_option]',
      '[ERROR] must be between 1 and 3000 [json-pointer:/view/blocks/2/element/max_length]',
      '[ERROR] does not match the required format [json-pointer:/view/blocks/3/element/initial_time]',
    ]);
  });
});

describe('submitting a modal', () => {
  it('sends Slack’s view_submission: state values by block and action id, untouched fields as they started', async () => {
    const viewId = await open();
    const payload = slack.newViewSubmission({ viewId, userId: USERS.operator.id, values: { users: '42' } });
    expect(payload).toMatchObject({
      type: 'view_submission',
      user: { id: USERS.operator.id },
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      view: {
        id: viewId,
        callback_id: 'form',
        private_metadata: '{"channel":"C0AICODEROPS"}',
        state: {
          values: {
            users: { n: { type: 'number_input', value: '42' } },
            size: { s: { type: 'static_select', selected_option: option('small') } },
            note: { t: { type: 'plain_text_input', value: null } },
            b3: { d: { type: 'datepicker', selected_date: null } },
          },
        },
      },
    });
    const reply = await postInteraction(eventsUrl, SECRET, payload);
    expect(reply).toMatchObject({ status: 200, body: '' });
    expect(received).toHaveLength(1);
    expect(slack.viewAnswered(viewId, reply)).toEqual({ action: 'close' });
    expect(() => slack.newViewSubmission({ viewId, userId: USERS.operator.id, values: {} })).toThrow(
      /is closed/,
    );
  });

  it('keeps the modal open with field errors, and fails an answer naming a block that is no input', async () => {
    const viewId = await open();
    const submit = async (users: string) => {
      const payload = slack.newViewSubmission({ viewId, userId: USERS.operator.id, values: { users } });
      return slack.viewAnswered(viewId, await postInteraction(eventsUrl, SECRET, payload));
    };
    expect(await submit('41')).toEqual({ action: 'errors', errors: { users: 'Give 42.' } });
    expect(await submit('7')).toEqual({ action: 'failed', why: 'errors names nowhere, not an input block' });
    expect(await submit('42')).toEqual({ action: 'close' });
  });

  it('refuses what Slack’s client would not send, unless told to send it anyway', async () => {
    const viewId = await open();
    const submit = (values: Record<string, string | undefined>, unchecked = false) =>
      slack.newViewSubmission({ viewId, userId: USERS.operator.id, values, unchecked });
    expect(() => submit({})).toThrow('users (Users): Please complete this required field.');
    expect(() => submit({ users: '2.5' })).toThrow('must be a whole number');
    expect(() => submit({ users: '101' })).toThrow('must be at most 100');
    expect(() => submit({ users: '5', size: 'medium' })).toThrow('"medium" is not one of the options');
    expect(() => submit({ users: '5', note: 'far too long a note' })).toThrow('at most 10 characters');
    expect(() => submit({ users: '5', colour: 'red' })).toThrow('has no input block colour');
    expect(submit({ users: 'lots', size: 'medium' }, true)).toMatchObject({
      view: {
        state: {
          values: { users: { n: { value: 'lots' } }, size: { s: { selected_option: option('medium') } } },
        },
      },
    });
    expect(() =>
      slack.newViewSubmission({ viewId, userId: USERS.viewer.id, values: { users: '5' } }),
    ).toThrow(`opened for ${USERS.operator.id}`);
  });

  it('applies an update answer as Slack does, validating the new view', async () => {
    const viewId = await open();
    const updated = { ...form, title: plain('Updated') };
    const reply = { status: 200, ms: 5, body: JSON.stringify({ response_action: 'update', view: updated }) };
    expect(slack.viewAnswered(viewId, reply)).toMatchObject({ action: 'update', view: { id: viewId } });
    expect(slack.messages().at(-1)).toMatchObject({ via: 'views.update', text: 'Updated' });
    const late = { status: 200, ms: 3500, body: '' };
    expect(slack.viewAnswered(viewId, late)).toEqual({ action: 'failed', why: 'operation_timeout' });
  });
});
