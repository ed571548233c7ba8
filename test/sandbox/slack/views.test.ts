import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { OPS, type SlackFixture, slackError, startFixture, USERS } from './slack-fixture.js';

const fx: SlackFixture = await startFixture();
const { slack, bot, clock } = fx;
afterAll(() => slack.close());
beforeEach(() => {
  slack.reset();
  clock.reset();
});

const modal = {
  type: 'modal' as const,
  callback_id: 'workshop_prep',
  title: { type: 'plain_text' as const, text: 'Workshop prep' },
  submit: { type: 'plain_text' as const, text: 'Plan' },
  blocks: [
    {
      type: 'input',
      block_id: 'users',
      label: { type: 'plain_text', text: 'Expected users' },
      element: { type: 'number_input', action_id: 'n', is_decimal_allowed: false },
    },
  ],
};

function trigger(userId: string = USERS.operator.id): string {
  return slack.newSlashCommand({ command: '/ops', text: 'workshop prep', userId, channelId: OPS })
    .trigger_id!;
}

describe('views', () => {
  it('opens a modal with a fresh trigger and records it for the user', async () => {
    const res = await bot.views.open({ trigger_id: trigger(), view: modal });
    expect(res.view).toMatchObject({ type: 'modal', callback_id: 'workshop_prep', app_id: slack.bot.appId });
    expect(res.view?.id).toMatch(/^V/);
    expect(slack.messages()).toEqual([
      expect.objectContaining({
        via: 'views.open',
        channel: '',
        user: USERS.operator.id,
        text: 'Workshop prep',
      }),
    ]);
    expect(slack.messages()[0]!.view).toMatchObject({ id: res.view!.id, blocks: modal.blocks });
  });

  it('refuses unknown, reused and expired trigger_ids', async () => {
    expect(await slackError(() => bot.views.open({ trigger_id: '1.2.abc', view: modal }))).toEqual({
      error: 'invalid_trigger_id',
    });
    const once = trigger();
    await bot.views.open({ trigger_id: once, view: modal });
    expect(await slackError(() => bot.views.open({ trigger_id: once, view: modal }))).toEqual({
      error: 'exchanged_trigger_id',
    });
    const late = trigger();
    clock.advance(3001);
    expect(await slackError(() => bot.views.open({ trigger_id: late, view: modal }))).toEqual({
      error: 'expired_trigger_id',
    });
    expect(slack.messages()).toHaveLength(1);
  });

  it('refuses an invalid view with invalid_arguments and keeps the trigger usable', async () => {
    const id = trigger();
    const { submit: _submit, ...noSubmit } = modal;
    expect(await slackError(() => bot.views.open({ trigger_id: id, view: noSubmit as never }))).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] must provide `submit` when a view contains input blocks [json-pointer:/view]'],
    });
    const longTitle = { ...modal, title: { type: 'plain_text' as const, text: 't'.repeat(25) } };
    expect((await slackError(() => bot.views.open({ trigger_id: id, view: longTitle }))).messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    await expect(bot.views.open({ trigger_id: id, view: modal })).resolves.toMatchObject({ ok: true });
  });

  it('updates an open modal by id, honouring hash conflicts', async () => {
    const opened = await bot.views.open({ trigger_id: trigger(), view: modal });
    const next = { ...modal, title: { type: 'plain_text' as const, text: 'Plan ready' } };
    const updated = await bot.views.update({
      view_id: opened.view!.id!,
      hash: opened.view!.hash!,
      view: next,
    });
    expect(updated.view).toMatchObject({ id: opened.view!.id, title: { text: 'Plan ready' } });
    expect(
      await slackError(() =>
        bot.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: next }),
      ),
    ).toEqual({ error: 'hash_conflict' });
    expect(await slackError(() => bot.views.update({ view_id: 'V0NOPE', view: next }))).toEqual({
      error: 'not_found',
    });
    expect(slack.messages().map((m) => m.via)).toEqual(['views.open', 'views.update']);
  });

  it('publishes the App Home for a known user only', async () => {
    const home = {
      type: 'home' as const,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'No pauses' } }],
    };
    const res = await bot.views.publish({ user_id: USERS.viewer.id, view: home });
    expect(res.view).toMatchObject({ type: 'home', blocks: home.blocks });
    expect(slack.messages()).toEqual([
      expect.objectContaining({ via: 'views.publish', channel: USERS.viewer.id, user: USERS.viewer.id }),
    ]);
    expect(await slackError(() => bot.views.publish({ user_id: 'U0NOPE', view: home }))).toEqual({
      error: 'user_not_found',
    });
    expect((await slackError(() => bot.views.publish({ user_id: USERS.viewer.id, view: modal }))).error).toBe(
      'invalid_arguments',
    );
  });
});
