import { describe, expect, it } from 'vitest';
import { describeFile, formatMessage } from '../../src/demo/format-message.js';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';

const file = {
  id: 'F1',
  name: 'workshop-chart.png',
  title: 'Queue wait',
  mimetype: 'image/png',
  size: 12_345,
};

describe('file shares in the demo transcript', () => {
  it('prints a file as its card: name, title and size', () => {
    expect(describeFile(file)).toBe('[file: workshop-chart.png — "Queue wait" (12 KB)]');
    expect(describeFile({ ...file, size: 900 })).toBe('[file: workshop-chart.png — "Queue wait" (900 B)]');
    expect(describeFile({ ...file, size: 3.5 * 1024 * 1024 })).toBe(
      '[file: workshop-chart.png — "Queue wait" (3.5 MB)]',
    );
  });

  it('shows the comment, then the file, in the thread', () => {
    const m: RecordedMessage = {
      seq: 3,
      via: 'files.completeUploadExternal',
      channel: 'C1',
      ts: '1.2',
      thread_ts: '1.1',
      text: 'Workshop *k8s-101* summary',
      files: [file],
    };
    expect(formatMessage(m, { C1: 'ops' }, 1).text).toBe(
      [
        '  ┌ opsbot posted in #ops (in thread)',
        '  │ Workshop k8s-101 summary',
        '  │ [file: workshop-chart.png — "Queue wait" (12 KB)]',
      ].join('\n'),
    );
    expect(formatMessage({ ...m, text: '' }, { C1: 'ops' }, 1).text).toBe(
      ['  ┌ opsbot posted in #ops (in thread)', '  │ [file: workshop-chart.png — "Queue wait" (12 KB)]'].join(
        '\n',
      ),
    );
  });
});
