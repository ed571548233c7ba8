import { describe, expect, it } from 'vitest';
import { batchOpsFor } from '../../src/changes/dns/batch-ops.js';

const rec = (id: string, content: string, ttl = 300) => ({
  id,
  zone: 'ai.coder.com',
  name: 'x.ai.coder.com',
  type: 'A',
  content,
  proxied: false,
  ttl,
});

describe('batchOpsFor', () => {
  it('keeps identical records, patches the rest in place, deletes and creates only the difference', () => {
    const ops = batchOpsFor(
      'x.ai.coder.com',
      'A',
      [rec('1', '34.1.1.1'), rec('2', '34.2.2.2', 60), rec('3', '34.3.3.3')],
      [
        { content: '34.1.1.1', proxied: false, ttl: 300 },
        { content: '34.2.2.2', proxied: false, ttl: 300 },
      ],
    );
    expect(ops).toEqual({
      deletes: [{ id: '3' }],
      patches: [
        { id: '2', name: 'x.ai.coder.com', type: 'A', content: '34.2.2.2', proxied: false, ttl: 300 },
      ],
      posts: [],
    });
  });

  it('creates when nothing exists and deletes everything for an empty set', () => {
    const want = [{ content: '34.1.1.1', proxied: true, ttl: 1 }];
    expect(batchOpsFor('x.ai.coder.com', 'A', [], want).posts).toEqual([
      { name: 'x.ai.coder.com', type: 'A', content: '34.1.1.1', proxied: true, ttl: 1 },
    ]);
    expect(batchOpsFor('x.ai.coder.com', 'A', [rec('1', '34.1.1.1')], []).deletes).toEqual([{ id: '1' }]);
  });
});
