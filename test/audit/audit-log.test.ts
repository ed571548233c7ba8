import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, formatAuditLine } from '../../src/audit/audit-log.js';
import { RecordingChat } from '../support/recording-chat.js';
import { connect, dumpPrefix, uniquePrefix } from '../support/redis.js';

let redis: Redis;
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await redis.quit();
});

const entry = (n: number) => ({
  at: 1_700_000_000_000 + n,
  actor: 'UALICE',
  action: 'dns.update',
  channel: 'C0OPS',
  outcome: 'applied' as const,
  detail: `change ${n}`,
  planId: `p-${n}`,
});

describe('AuditLog', () => {
  it('appends to a stream and reads newest first', async () => {
    const audit = new AuditLog({ redis, prefix: uniquePrefix('audit') });
    for (let n = 1; n <= 5; n++) await audit.append(entry(n));
    const latest = await audit.latest(3);
    expect(latest.map((e) => e.detail)).toEqual(['change 5', 'change 4', 'change 3']);
    expect(latest[0]).toMatchObject({ actor: 'UALICE', outcome: 'applied', planId: 'p-5', channel: 'C0OPS' });
    expect(latest[0]!.id).toMatch(/^\d+-\d+$/);
  });

  it('caps the stream length approximately', async () => {
    const prefix = uniquePrefix('audit');
    const audit = new AuditLog({ redis, prefix, maxLen: 10 });
    for (let n = 1; n <= 300; n++) await audit.append(entry(n));
    // `~` trims whole stream nodes (100 entries each), never below the cap.
    const length = await redis.xlen(`${prefix}:audit`);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(300);
  });

  it('rejects an entry that is not an audit record', async () => {
    const audit = new AuditLog({ redis, prefix: uniquePrefix('audit') });
    await expect(audit.append({ ...entry(1), outcome: 'maybe' as 'applied' })).rejects.toThrow();
    await expect(audit.latest(10)).resolves.toEqual([]);
  });

  it('scrubs known secrets from the text before storing it', async () => {
    const prefix = uniquePrefix('audit');
    const secret = 'cf-token-TOPSECRET-123';
    const audit = new AuditLog({ redis, prefix, scrub: (t) => t.replaceAll(secret, '[redacted]') });
    await audit.append({ ...entry(1), detail: `rotated key ${secret}` });
    expect((await audit.latest(1))[0]!.detail).toBe('rotated key [redacted]');
    expect(await dumpPrefix(redis, prefix)).not.toContain(secret);
  });

  it('mirrors to the audit channel, and a failing mirror does not lose the entry', async () => {
    const chat = new RecordingChat();
    const audit = new AuditLog({
      redis,
      prefix: uniquePrefix('audit'),
      mirror: { chat, channel: 'C0AUDIT' },
    });
    await audit.append({ ...entry(1), waiver: 'two-person rule waived in incident mode' });
    expect(chat.posts()).toHaveLength(1);
    expect(chat.posts()[0]).toMatchObject({ channel: 'C0AUDIT' });
    expect(chat.posts()[0]!.text).toBe(
      'applied: dns.update by <@UALICE> in <#C0OPS>: change 1 — waiver: two-person rule waived in incident mode (plan p-1)',
    );
    chat.failNext = 1;
    await audit.append(entry(2));
    expect((await audit.latest(1))[0]!.detail).toBe('change 2');
  });

  it('formats a line without optional parts', () => {
    expect(
      formatAuditLine({
        at: 1,
        actor: 'opsbot',
        action: 'rotation.resume',
        outcome: 'applied',
        detail: 'scaled to 1',
      }),
    ).toBe('applied: rotation.resume by opsbot: scaled to 1');
  });
});
