import { z } from 'zod';

/** What a signed request asks for, so the receiver can refuse or answer it before Bolt sees it. */
export type SlackBody =
  | { kind: 'ssl-check' }
  | { kind: 'url-verification' }
  | { kind: 'command'; command: string }
  | { kind: 'action'; actionId: string }
  | { kind: 'event'; eventType: string }
  /** A modal's Submit: routed by the view's callback_id. */
  | { kind: 'view'; callbackId: string }
  /** Another interactivity or envelope type (view_closed, shortcut, app_rate_limited …). */
  | { kind: 'other'; type: string }
  | { kind: 'malformed'; why: string };

const SlashCommandBody = z.object({
  command: z.string().regex(/^\/\S+$/),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
});
const BlockActionsBody = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ action_id: z.string().min(1) })).min(1),
});
const ViewSubmissionBody = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1) }),
  view: z.object({ id: z.string().min(1), callback_id: z.string() }),
});
const EventCallbackBody = z.object({
  type: z.literal('event_callback'),
  event: z.object({ type: z.string().min(1) }),
});
const UrlVerificationBody = z.object({ type: z.literal('url_verification'), challenge: z.string() });
const TypedBody = z.object({ type: z.string().min(1) });

/**
 * Sorts a parsed body by Slack's own shapes. Bolt assumes these fields exist (`payload=null` or a
 * block_actions without `user` made it throw, answering 500), so anything else is `malformed`.
 */
export function classifySlackBody(body: unknown): SlackBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      kind: 'malformed',
      why: `body is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`,
    };
  const fields = body as Record<string, unknown>;
  if (fields.ssl_check === '1') return { kind: 'ssl-check' };
  if ('command' in fields) {
    const parsed = SlashCommandBody.safeParse(fields);
    return parsed.success
      ? { kind: 'command', command: parsed.data.command }
      : malformed('slash command', parsed.error);
  }
  const typed = TypedBody.safeParse(fields);
  if (!typed.success) return { kind: 'malformed', why: 'neither a command nor a typed payload' };
  switch (typed.data.type) {
    case 'url_verification': {
      const parsed = UrlVerificationBody.safeParse(fields);
      return parsed.success ? { kind: 'url-verification' } : malformed('url_verification', parsed.error);
    }
    case 'block_actions': {
      const parsed = BlockActionsBody.safeParse(fields);
      return parsed.success
        ? { kind: 'action', actionId: parsed.data.actions[0]!.action_id }
        : malformed('block_actions', parsed.error);
    }
    case 'view_submission': {
      const parsed = ViewSubmissionBody.safeParse(fields);
      return parsed.success
        ? { kind: 'view', callbackId: parsed.data.view.callback_id }
        : malformed('view_submission', parsed.error);
    }
    case 'event_callback': {
      const parsed = EventCallbackBody.safeParse(fields);
      return parsed.success
        ? { kind: 'event', eventType: parsed.data.event.type }
        : malformed('event_callback', parsed.error);
    }
    default:
      return { kind: 'other', type: typed.data.type };
  }
}

/** Names the first missing or wrong field only: the payload itself may carry user text, never echoed. */
function malformed(what: string, error: z.ZodError): SlackBody {
  const issue = error.issues[0];
  const path = issue?.path.join('.') || 'body';
  return { kind: 'malformed', why: `${what} with a missing or invalid ${path}` };
}
