import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgressPacer, createProgressReporter } from '../../src/queue/create-progress-reporter.js';
import { RecordingChat } from '../support/recording-chat.js';

// Fake timers drive both setTimeout and Date.now (the reporter's default clock), so nothing sleeps.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_800_000_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const target = { channel: 'C0OPS', ts: '1.000001' };

describe('progress reporter', () => {
  it('coalesces a burst of updates into at most one edit per second, ending with the final state', async () => {
    const chat = new RecordingChat();
    const progress = createProgressReporter(chat, target);
    for (let i = 1; i <= 30; i++) {
      progress.update(`checked ${i}/30 nodes`);
      await vi.advanceTimersByTimeAsync(100);
    }
    await Promise.all([progress.finish('done: 30 nodes, all below 60 %'), vi.advanceTimersByTimeAsync(2000)]);
    const edits = chat.log.filter((m) => m.via === 'update');
    expect(edits.length).toBeLessThanOrEqual(5); // 3 s of updates → ≤ 4 edits + the final one
    expect(edits.length).toBeGreaterThanOrEqual(3); // but progress did show along the way
    expect(edits[0]!.text).toBe('checked 1/30 nodes');
    expect(edits.at(-1)!.text).toBe('done: 30 nodes, all below 60 %');
    expect(edits.every((e) => e.ts === target.ts && e.channel === 'C0OPS')).toBe(true);
  });

  it('spaces edits by the interval, final included', async () => {
    const chat = new RecordingChat();
    const sentAt: number[] = [];
    const original = chat.update.bind(chat);
    chat.update = async (t, m) => {
      sentAt.push(Date.now());
      return original(t, m);
    };
    const progress = createProgressReporter(chat, target, { minIntervalMs: 1000 });
    progress.update('a');
    await vi.advanceTimersByTimeAsync(10);
    progress.update('b');
    const finishing = progress.finish('final');
    await vi.advanceTimersByTimeAsync(2000);
    await finishing;
    expect(chat.log.map((m) => m.text)).toEqual(['a', 'final']); // 'b' was superseded before its slot
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('shares the per-channel pace between reporters on one channel', async () => {
    const chat = new RecordingChat();
    const sentAt: number[] = [];
    const original = chat.update.bind(chat);
    chat.update = async (t, m) => {
      sentAt.push(Date.now());
      return original(t, m);
    };
    const pacer = createProgressPacer(1000);
    const one = createProgressReporter(chat, { channel: 'C0OPS', ts: '1.1' }, { pacer });
    const two = createProgressReporter(chat, { channel: 'C0OPS', ts: '1.2' }, { pacer });
    for (let i = 0; i < 10; i++) {
      one.update(`one ${i}`);
      two.update(`two ${i}`);
      await vi.advanceTimersByTimeAsync(250);
    }
    await vi.advanceTimersByTimeAsync(3000);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(1000);
    await Promise.all([one.finish('one done'), two.finish('two done'), vi.advanceTimersByTimeAsync(5000)]);
    expect(chat.current('1.1')!.text).toBe('one done');
    expect(chat.current('1.2')!.text).toBe('two done');
  });

  it('keeps going when an intermediate edit fails, and still delivers the final state', async () => {
    const chat = new RecordingChat();
    const errors: unknown[] = [];
    const progress = createProgressReporter(chat, target, { onError: (e) => errors.push(e) });
    chat.failNext = 1;
    progress.update('first');
    await vi.advanceTimersByTimeAsync(10);
    const done = progress.finish('finished');
    await vi.advanceTimersByTimeAsync(1500);
    await done;
    expect(errors).toHaveLength(1);
    expect(chat.current(target.ts)!.text).toBe('finished');
  });
});
