import type {
  AckFn,
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RespondArguments,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import { cleanOutgoing, type Scrub } from './clean-outgoing.js';

type Reply = string | RespondArguments;

function cleanReply<T extends Reply | undefined>(reply: T, scrub: Scrub): T {
  if (reply === undefined) return reply;
  if (typeof reply === 'string') return cleanOutgoing({ text: reply }, scrub).text as T;
  return cleanOutgoing(reply as { text?: string; blocks?: unknown[] }, scrub) as T;
}

type SlashArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Handlers answer through Bolt's `ack` and `respond`, not the Chat port: wrap both so those
 * replies pass the same outgoing filter as everything else.
 */
export function withCleanReplies<A extends SlashArgs | ButtonArgs>(
  handler: (args: A) => Promise<void>,
  scrub: Scrub,
): (args: A) => Promise<void> {
  return (args) => {
    const ack = args.ack as AckFn<Reply>;
    const respond: RespondFn = (message) => args.respond(cleanReply(message, scrub));
    return handler({ ...args, ack: (reply?: Reply) => ack(cleanReply(reply, scrub)), respond } as A);
  };
}
