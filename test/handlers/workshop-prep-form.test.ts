import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse-command.js';
import { UsageError } from '../../src/commands/usage-error.js';
import { workshopCommand } from '../../src/commands/workshop-command.js';
import { describeModal } from '../../src/demo/format-message.js';
import { readFormMetadata } from '../../src/handlers/forms/form-metadata.js';
import { readWorkshopPrep } from '../../src/handlers/forms/read-workshop-prep.js';
import type { ViewState } from '../../src/handlers/forms/view-state.js';
import { workshopPrepModal } from '../../src/handlers/forms/workshop-prep-modal.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { classifySlackBody } from '../../src/slack/classify-slack-body.js';

const environments = await loadInventory('infra');
const base = environments.get('ai.coder.com')!;
const NOW = Date.parse('2026-11-20T12:00:00Z');

/** `view.state.values` as Slack sends it for the form's fields (text or picked option). */
function state(fields: Record<string, string | undefined>): ViewState {
  const selects = new Set(['duration', 'env']);
  return Object.fromEntries(
    Object.entries(fields).map(([block, value]) => [
      block,
      {
        value: selects.has(block)
          ? { type: 'static_select', selected_option: value === undefined ? null : { value } }
          : { type: 'plain_text_input', value: value ?? null },
      },
    ]),
  );
}

const read = (fields: Record<string, string | undefined>) =>
  readWorkshopPrep(state({ duration: '2h', env: 'ai.coder.com', ...fields }), {
    base,
    environments,
    now: NOW,
  });

describe('/workshop prep with no arguments', () => {
  it('parses as the form; with any argument it is still the command (and its usage errors)', () => {
    expect(parseCommand([workshopCommand], '/workshop', 'prep')).toMatchObject({
      kind: 'form',
      form: 'workshop.prep',
    });
    expect(parseCommand([workshopCommand], '/workshop', '  PREP  ')).toMatchObject({ kind: 'form' });
    expect(() => parseCommand([workshopCommand], '/workshop', 'prep 30')).toThrow(UsageError);
    expect(parseCommand([workshopCommand], '/workshop', '').kind).toBe('run');
  });
});

describe('readWorkshopPrep', () => {
  it('turns good fields into the arguments the command would give the job', () => {
    expect(read({ users: '30', start: 'tomorrow 16:00', duration: '3h', name: 'december' })).toEqual({
      ok: true,
      args: { users: 30, start: 'tomorrow 16:00', durationMs: 3 * 3_600_000, name: 'december' },
      target: 'ai.coder.com',
      text: 'prep 30 tomorrow 16:00 --duration 3h --name december',
    });
    const typed = parseCommand(
      [workshopCommand],
      '/workshop',
      'prep 30 tomorrow 16:00 --duration 3h --name december',
    );
    expect(typed.kind === 'run' && typed.args).toEqual({
      users: 30,
      start: 'tomorrow 16:00',
      durationMs: 3 * 3_600_000,
      name: 'december',
    });
    expect(read({ users: '5', start: '2026-12-03T16:00Z', env: 'coderdemo.io' })).toMatchObject({
      ok: true,
      args: { env: 'coderdemo.io', durationMs: 2 * 3_600_000 },
      target: 'coderdemo.io',
      text: 'prep 5 2026-12-03T16:00Z --duration 2h --env coderdemo.io',
    });
  });

  it('names each bad field with the command’s rules', () => {
    expect(read({ users: '0', start: 'soonish', name: 'Big Day', env: 'prod' })).toEqual({
      ok: false,
      errors: {
        users: 'Users must be at least 1',
        start: expect.stringMatching(/^"soonish" is not a start time I can read\. Give ISO 8601/),
        name: 'A workshop name is lowercase letters, digits and dashes (up to 40): try `big-day`',
        env: 'Pick one of the environments offered.',
      },
    });
    expect(read({ users: undefined, start: ' ' })).toEqual({
      ok: false,
      errors: {
        users: 'Give the number of users.',
        start: 'Give the start, e.g. 2026-12-03T16:00Z or tomorrow 16:00.',
      },
    });
    expect(read({ users: '501', start: '16:00', duration: '20h' })).toEqual({
      ok: false,
      errors: {
        users: '501 users is more than ai.coder.com takes for a workshop (inventory workshop.maxUsers: 500).',
        duration: 'The duration must be between 15m and 12h (e.g. 2h, 90m)',
      },
    });
  });
});

describe('the form itself', () => {
  it('carries its channel and environment as metadata, read back strictly', () => {
    const view = workshopPrepModal({
      metadata: { channel: 'C0AICODEROPS', env: 'ai.coder.com' },
      environments: ['ai.coder.com'],
    });
    expect(readFormMetadata(view.private_metadata!)).toEqual({
      channel: 'C0AICODEROPS',
      env: 'ai.coder.com',
    });
    expect(readFormMetadata('{"channel":"C0AICODEROPS","env":"x","role":"admin"}')).toBeUndefined();
    expect(readFormMetadata('not json')).toBeUndefined();
    expect(describeModal(view as never)).toBe(
      '[modal: Prepare a workshop — fields: Users, Start, Duration, Name (optional), Environment]',
    );
  });

  it('is routed by its callback_id; a view_submission without one is malformed', () => {
    const view = { id: 'V1', callback_id: 'workshop.prep', state: { values: {} } };
    expect(classifySlackBody({ type: 'view_submission', user: { id: 'U1' }, view })).toEqual({
      kind: 'view',
      callbackId: 'workshop.prep',
    });
    expect(classifySlackBody({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1' } })).toEqual({
      kind: 'malformed',
      why: 'view_submission with a missing or invalid view.callback_id',
    });
    expect(classifySlackBody({ type: 'view_closed', user: { id: 'U1' }, view })).toEqual({
      kind: 'other',
      type: 'view_closed',
    });
  });
});
