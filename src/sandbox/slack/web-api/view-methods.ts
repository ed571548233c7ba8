import { validateView } from '../block-kit/validate-view.js';
import type { MessageVia } from '../recorded-message.js';
import type { SlackWorld } from '../slack-world.js';
import type { StoredView } from '../view-store.js';
import { type ApiArgs, optJson, optString, requireString } from './api-args.js';
import { SlackApiError } from './slack-api-error.js';

type Json = Record<string, unknown>;

/** Parses and validates `view`; Slack answers `invalid_arguments` with the Block Kit problems. */
function readView(args: ApiArgs, expected: 'modal' | 'home' | 'modal-or-home'): Json {
  const view = optJson(args, 'view', 'invalid_arguments');
  if (view === undefined)
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  const problems = validateView(view, expected);
  if (problems.length > 0) throw new SlackApiError('invalid_arguments', problems);
  return view as Json;
}

export function recordView(world: SlackWorld, via: MessageVia, stored: StoredView, channel: string): void {
  const title = stored.view.title as { text?: unknown } | undefined;
  world.store.record({
    via,
    channel,
    user: stored.user,
    ts: world.store.nextTs(),
    text: typeof title?.text === 'string' ? title.text : '',
    blocks: stored.view.blocks as Json[],
    view: stored.view,
  });
}

export function viewsOpen(world: SlackWorld, args: ApiArgs): Json {
  const triggerId = requireString(args, 'trigger_id');
  const input = readView(args, 'modal');
  const exchanged = world.triggers.exchange(triggerId);
  if (!exchanged.ok) throw new SlackApiError(exchanged.error);
  const stored = world.views.save(input, exchanged.userId);
  recordView(world, 'views.open', stored, '');
  return { ok: true, view: stored.view };
}

export function viewsPublish(world: SlackWorld, args: ApiArgs): Json {
  const userId = optString(args, 'user_id');
  if (userId === undefined || !world.user(userId)) throw new SlackApiError('user_not_found');
  const input = readView(args, 'home');
  const current = world.views.home(userId);
  checkHash(args, current);
  const stored = world.views.save(input, userId, current?.id);
  recordView(world, 'views.publish', stored, userId);
  return { ok: true, view: stored.view };
}

export function viewsUpdate(world: SlackWorld, args: ApiArgs): Json {
  const viewId = optString(args, 'view_id');
  const externalId = optString(args, 'external_id');
  if ((viewId === undefined) === (externalId === undefined)) {
    throw new SlackApiError('invalid_arguments', [
      '[ERROR] exactly one of view_id or external_id is required',
    ]);
  }
  const current =
    viewId !== undefined ? world.views.get(viewId) : world.views.findByExternalId(externalId ?? '');
  if (!current) throw new SlackApiError('not_found');
  const input = readView(args, current.view.type === 'home' ? 'home' : 'modal');
  checkHash(args, current);
  const stored = world.views.save(input, current.user, current.id);
  recordView(world, 'views.update', stored, current.view.type === 'home' ? current.user : '');
  return { ok: true, view: stored.view };
}

/** A `hash` that no longer matches means someone else changed the view meanwhile. */
function checkHash(args: ApiArgs, current: StoredView | undefined): void {
  const hash = optString(args, 'hash');
  if (hash !== undefined && current !== undefined && hash !== current.hash)
    throw new SlackApiError('hash_conflict');
}
