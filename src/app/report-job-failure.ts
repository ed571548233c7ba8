import { failureText } from '../plans/failure-text.js';
import type { Chat } from '../ports/chat.js';
import type { JobFailure } from '../queue/define-job.js';
import type { JobInfo } from '../queue/start-workers.js';

/**
 * Tells the requester why their job finally failed (user-safe text only; details are in the logs): their
 * mistake as a warning with its advice, anything else as an internal error with the job id as its ref.
 */
export async function reportJobFailure(chat: Chat, info: JobInfo, failure: JobFailure): Promise<void> {
  if (!info.meta?.channel) return;
  await chat.postEphemeral({
    channel: info.meta.channel,
    user: info.meta.requester,
    text: failureText(failure),
    ...(info.meta.threadTs ? { threadTs: info.meta.threadTs } : {}),
  });
}
