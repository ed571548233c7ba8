import type { Blocks, Chat, PostedMessage } from '../ports/chat.js';
import { type Clock, systemClock } from '../ports/clock.js';

/**
 * Remembers when each channel last got an edit, so reporters sharing it keep Slack's
 * ≤ 1 chat.update per second per channel between them (one pacer per worker process).
 */
export interface ProgressPacer {
  nextAt(channel: string): number;
  mark(channel: string, at: number): void;
}

export function createProgressPacer(minIntervalMs = 1_000): ProgressPacer {
  const last = new Map<string, number>();
  return {
    nextAt: (channel) => (last.get(channel) ?? Number.NEGATIVE_INFINITY) + minIntervalMs,
    mark: (channel, at) => {
      last.set(channel, at);
    },
  };
}

export interface ProgressReporter {
  /** Latest text wins; edits are coalesced to the pacing interval. Never throws. */
  update(text: string, blocks?: Blocks): void;
  /** Drops anything pending and delivers this final state (waiting for the next free slot). */
  finish(text: string, blocks?: Blocks): Promise<void>;
}

export interface ProgressReporterOptions {
  minIntervalMs?: number;
  clock?: Clock;
  pacer?: ProgressPacer;
  /** Intermediate edits are best effort; their failures land here. */
  onError?: (err: unknown) => void;
}

interface Edit {
  text: string;
  blocks?: Blocks;
}

export function createProgressReporter(
  chat: Chat,
  target: PostedMessage,
  options: ProgressReporterOptions = {},
): ProgressReporter {
  const clock = options.clock ?? systemClock;
  const pacer = options.pacer ?? createProgressPacer(options.minIntervalMs ?? 1_000);
  const onError = options.onError ?? (() => {});
  let pending: Edit | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> = Promise.resolve();
  let finished = false;

  const waitMs = () => Math.max(0, pacer.nextAt(target.channel) - clock.now());
  const send = (edit: Edit) => {
    pacer.mark(target.channel, clock.now());
    const message = edit.blocks ? { text: edit.text, blocks: edit.blocks } : { text: edit.text };
    // Marked again when the call really leaves (after any edit in flight), so the gap Slack sees is the full interval.
    const sent = inflight.then(() => {
      pacer.mark(target.channel, clock.now());
      return chat.update(target, message);
    });
    inflight = sent.catch(() => {});
    return sent;
  };
  const flush = () => {
    timer = undefined;
    if (finished || !pending) return;
    // Another reporter on this channel may have taken the slot meanwhile.
    if (waitMs() > 0) return schedule();
    const edit = pending;
    pending = undefined;
    send(edit).catch(onError);
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(flush, waitMs());
  };

  return {
    update(text, blocks) {
      if (finished) return;
      pending = blocks ? { text, blocks } : { text };
      schedule();
    },
    async finish(text, blocks) {
      finished = true;
      pending = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inflight;
      while (waitMs() > 0) await new Promise((resolve) => setTimeout(resolve, waitMs()));
      await send(blocks ? { text, blocks } : { text });
    },
  };
}
