import type { types } from '@slack/bolt';
import type { FormMetadata } from './form-metadata.js';

/** The modal's callback_id: its submissions are routed by it. */
export const WORKSHOP_PREP_FORM = 'workshop.prep';

/** Block ids of the fields; a field error names one of these. */
export const PREP_FIELDS = {
  users: 'users',
  start: 'start',
  duration: 'duration',
  name: 'name',
  env: 'env',
} as const;

export const START_PLACEHOLDER = '2026-12-03T16:00Z or tomorrow 16:00';
export const PREP_DURATIONS = ['1h', '2h', '3h', '4h'];
const DEFAULT_DURATION = '2h';

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string): types.PlainTextOption => ({ text: plain(value), value });

/**
 * `/workshop prep` as a form: the command's arguments as fields. The start stays free text (read later
 * in the requester's time zone, as typed), so one parser serves command and form alike.
 * `environments`: where the user may prepare one, the channel's first.
 */
export function workshopPrepModal(opts: { metadata: FormMetadata; environments: string[] }): types.ModalView {
  return {
    type: 'modal',
    callback_id: WORKSHOP_PREP_FORM,
    title: plain('Prepare a workshop'),
    submit: plain('Preview'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(opts.metadata),
    blocks: [
      {
        type: 'input',
        block_id: PREP_FIELDS.users,
        label: plain('Users'),
        hint: plain('How many people will create workspaces during the workshop.'),
        element: {
          type: 'number_input',
          action_id: 'value',
          is_decimal_allowed: false,
          min_value: '1',
          max_value: '10000',
        },
      },
      {
        type: 'input',
        block_id: PREP_FIELDS.start,
        label: plain('Start'),
        hint: plain(
          'ISO 8601 with a zone, or a time in your Slack time zone: tomorrow 16:00, friday 09:30, 2026-12-03 16:00.',
        ),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: 100,
          placeholder: plain(START_PLACEHOLDER),
        },
      },
      {
        type: 'input',
        block_id: PREP_FIELDS.duration,
        label: plain('Duration'),
        element: {
          type: 'static_select',
          action_id: 'value',
          options: PREP_DURATIONS.map(option),
          initial_option: option(DEFAULT_DURATION),
        },
      },
      {
        type: 'input',
        block_id: PREP_FIELDS.name,
        optional: true,
        label: plain('Name'),
        hint: plain('Lowercase letters, digits and dashes; workshop-<date> when left empty.'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: 40,
          placeholder: plain('december'),
        },
      },
      {
        type: 'input',
        block_id: PREP_FIELDS.env,
        label: plain('Environment'),
        element: {
          type: 'static_select',
          action_id: 'value',
          options: opts.environments.map(option),
          initial_option: option(opts.metadata.env),
        },
      },
    ],
  };
}
