import type { SlackWorld } from './slack-world.js';

type Json = Record<string, unknown>;

/** What a user entered, by block_id: text, a picked option's value, or several values; absent = untouched. */
export type ViewValues = Record<string, string | string[] | undefined>;

export interface ViewSubmissionArgs {
  viewId: string;
  userId: string;
  values: ViewValues;
  /** Replaces the view's private_metadata: what a forged request would carry. */
  privateMetadata?: string;
  /** Skips the checks Slack's client makes before it sends (required fields, bounds, offered options). */
  unchecked?: boolean;
}

/** An input block of the view with the ids Slack gives it (its own, or one generated per position). */
interface Input {
  blockId: string;
  actionId: string;
  label: string;
  optional: boolean;
  element: Json;
}

function inputsOf(view: Json): Input[] {
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Json[]) : [];
  return blocks.flatMap((block, i) => {
    if (block.type !== 'input' || typeof block.element !== 'object' || block.element === null) return [];
    const element = block.element as Json;
    const label = (block.label as { text?: unknown } | undefined)?.text;
    return [
      {
        blockId: typeof block.block_id === 'string' ? block.block_id : `b${i}`,
        actionId: typeof element.action_id === 'string' ? element.action_id : `a${i}`,
        label: typeof label === 'string' ? label : '',
        optional: block.optional === true,
        element,
      },
    ];
  });
}

/** The input blocks' block ids: the only ones a `response_action: errors` may name. */
export function inputBlockIds(view: Json): Set<string> {
  return new Set(inputsOf(view).map((i) => i.blockId));
}

function optionsOf(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as Json[]) : [];
  return [...direct, ...groups.flatMap((g) => (Array.isArray(g.options) ? (g.options as Json[]) : []))];
}

/**
 * The element's state as Slack reports it: what was entered, else what it started with. `problems`
 * gets what Slack's client would refuse to send.
 */
function stateOf(input: Input, entered: string | string[] | undefined, problems: string[]): Json {
  const { element } = input;
  const type = String(element.type);
  const one = Array.isArray(entered) ? entered[0] : entered;
  const refuse = (why: string) => problems.push(`${input.blockId} (${input.label}): ${why}`);
  const pick = (value: string): Json => {
    const found = optionsOf(element).find((o) => o.value === value);
    if (!found) refuse(`"${value}" is not one of the options`);
    return found ?? { text: { type: 'plain_text', text: value }, value };
  };
  const missing = (empty: boolean) => {
    if (empty && !input.optional) refuse('Please complete this required field.');
  };
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      const value = one ?? (typeof element.initial_value === 'string' ? element.initial_value : '');
      missing(value === '');
      if (value !== '') checkText(element, value, refuse);
      return { type, value: value === '' ? null : value };
    }
    case 'static_select':
    case 'radio_buttons': {
      const initial = element.initial_option as Json | undefined;
      const option = one !== undefined ? pick(one) : (initial ?? null);
      missing(option === null);
      return { type, selected_option: option };
    }
    case 'multi_static_select':
    case 'checkboxes': {
      const initial = (element.initial_options as Json[] | undefined) ?? [];
      const chosen = entered === undefined ? initial : [entered].flat().map(pick);
      missing(chosen.length === 0);
      return { type, selected_options: chosen };
    }
    case 'datepicker': {
      const date = one ?? (element.initial_date as string | undefined) ?? null;
      missing(date === null);
      if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) refuse(`"${date}" is not a date (YYYY-MM-DD)`);
      return { type, selected_date: date };
    }
    case 'timepicker': {
      const time = one ?? (element.initial_time as string | undefined) ?? null;
      missing(time === null);
      if (time !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) refuse(`"${time}" is not a time (HH:mm)`);
      return { type, selected_time: time };
    }
    default: {
      missing(one === undefined);
      return { type, ...(one !== undefined ? { value: one } : {}) };
    }
  }
}

/** What the client checks on text and numbers before sending (lengths; numbers, decimals and bounds). */
function checkText(element: Json, value: string, refuse: (why: string) => void): void {
  if (element.type === 'number_input') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) return void refuse(`"${value}" is not a number`);
    if (element.is_decimal_allowed !== true && value.includes('.')) refuse('must be a whole number');
    const n = Number(value);
    if (element.min_value !== undefined && n < Number(element.min_value))
      refuse(`must be at least ${String(element.min_value)}`);
    if (element.max_value !== undefined && n > Number(element.max_value))
      refuse(`must be at most ${String(element.max_value)}`);
    return;
  }
  if (typeof element.max_length === 'number' && value.length > element.max_length)
    refuse(`must be at most ${element.max_length} characters`);
  if (typeof element.min_length === 'number' && value.length < element.min_length)
    refuse(`must be at least ${element.min_length} characters`);
}

/**
 * A `view_submission` payload as Slack sends it when `userId` presses Submit on an open modal: the stored
 * view with `state.values` filled in. Throws where Slack would never send one (no such view, someone
 * else's, already closed, values for no input block) and, unless `unchecked`, where its client refuses.
 */
export function newViewSubmission(world: SlackWorld, args: ViewSubmissionArgs): Json {
  const stored = world.views.get(args.viewId);
  if (stored?.view.type !== 'modal') throw new Error(`no modal with view id ${args.viewId}`);
  if (stored.user !== args.userId)
    throw new Error(`modal ${args.viewId} was opened for ${stored.user}, not ${args.userId}`);
  if (stored.closed) throw new Error(`modal ${args.viewId} is closed`);
  const inputs = inputsOf(stored.view);
  const unknown = Object.keys(args.values).filter((k) => !inputs.some((i) => i.blockId === k));
  if (unknown.length > 0)
    throw new Error(
      `modal ${args.viewId} has no input block ${unknown.join(', ')} (has ${inputs.map((i) => i.blockId).join(', ')})`,
    );
  const problems: string[] = [];
  const values: Record<string, Record<string, Json>> = {};
  for (const input of inputs)
    values[input.blockId] = { [input.actionId]: stateOf(input, args.values[input.blockId], problems) };
  if (problems.length > 0 && !args.unchecked)
    throw new Error(`Slack's client would not submit this form: ${problems.join('; ')}`);
  const { teamId, teamDomain, appId, verificationToken } = world.identity;
  const user = world.user(args.userId);
  return {
    type: 'view_submission',
    team: { id: teamId, domain: teamDomain },
    user: {
      id: args.userId,
      username: user?.name ?? args.userId,
      name: user?.name ?? args.userId,
      team_id: teamId,
    },
    api_app_id: appId,
    token: verificationToken,
    trigger_id: world.triggers.issue(args.userId),
    view: {
      ...stored.view,
      private_metadata: args.privateMetadata ?? stored.view.private_metadata,
      state: { values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
