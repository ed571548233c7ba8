import { validateView } from './block-kit/validate-view.js';
import { inputBlockIds } from './new-view-submission.js';
import type { SlackWorld } from './slack-world.js';
import { recordView } from './web-api/view-methods.js';

type Json = Record<string, unknown>;

/** What Slack did with the app's answer to a view_submission. */
export type ViewAnswer =
  | { action: 'close' }
  | { action: 'clear' }
  /** The modal stays open with these messages under the fields (block_id → text). */
  | { action: 'errors'; errors: Record<string, string> }
  | { action: 'update'; view: Json }
  /** Not simulated further: the pushed view is returned, not stored. */
  | { action: 'push'; view: Json }
  /** Slack shows "We had some trouble connecting" and keeps the modal as it was. */
  | { action: 'failed'; why: string };

/** Slack's deadline for the answer to a view_submission. */
const ANSWER_DEADLINE_MS = 3000;

/**
 * Applies the bot's HTTP answer to a submission as Slack does: empty closes the modal, `errors` must name
 * input blocks of the view, `update` must be a valid modal; anything late, non-200 or malformed fails.
 */
export function applyViewResponse(
  world: SlackWorld,
  viewId: string,
  reply: { status: number; body: string; ms: number },
): ViewAnswer {
  const stored = world.views.get(viewId);
  if (!stored) return { action: 'failed', why: `no view ${viewId}` };
  if (reply.ms > ANSWER_DEADLINE_MS) return { action: 'failed', why: 'operation_timeout' };
  if (reply.status !== 200) return { action: 'failed', why: `HTTP ${reply.status}` };
  if (reply.body.trim() === '') {
    world.views.close(viewId);
    return { action: 'close' };
  }
  let answer: Json;
  try {
    answer = JSON.parse(reply.body) as Json;
  } catch {
    return { action: 'failed', why: 'the answer is not JSON' };
  }
  switch (answer.response_action) {
    case undefined:
    case 'clear':
      world.views.close(viewId);
      return { action: answer.response_action === 'clear' ? 'clear' : 'close' };
    case 'errors': {
      const errors = answer.errors;
      if (typeof errors !== 'object' || errors === null || Array.isArray(errors))
        return { action: 'failed', why: '`errors` must be an object' };
      const blocks = inputBlockIds(stored.view);
      for (const [blockId, text] of Object.entries(errors)) {
        if (!blocks.has(blockId))
          return { action: 'failed', why: `errors names ${blockId}, not an input block` };
        if (typeof text !== 'string' || text === '')
          return { action: 'failed', why: `error for ${blockId} is not text` };
      }
      return { action: 'errors', errors: errors as Record<string, string> };
    }
    case 'update':
    case 'push': {
      const problems = validateView(answer.view, 'modal');
      if (problems.length > 0) return { action: 'failed', why: problems.join('; ') };
      const view = answer.view as Json;
      if (answer.response_action === 'push') return { action: 'push', view };
      const saved = world.views.save(view, stored.user, viewId);
      recordView(world, 'views.update', saved, '');
      return { action: 'update', view: saved.view };
    }
    default:
      return { action: 'failed', why: `unknown response_action ${String(answer.response_action)}` };
  }
}
