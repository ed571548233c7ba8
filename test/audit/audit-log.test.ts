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

  it('trims entries by age, never by count, so a burst cannot evict older actions', async () => {
    const prefix = uniquePrefix('audit');
    const key = `${prefix}:audit`;
    // Entries from 1970 (stream ids are milliseconds): far past any retention.
    await redis.xadd(key, '1000-0', 'entry', JSON.stringify(entry(0)));
    const audit = new AuditLog({ redis, prefix, retentionMs: 24 * 60 * 60 * 1000 });
    for (let n = 1; n <= 300; n++) await audit.append(entry(n));
    expect(await redis.xlen(key)).toBe(300);
    const oldest = (await audit.latest(1000)).at(-1);
    expect(oldest?.detail).toBe('change 1');
  });

  it('reads the newest entries a filter accepts, across pages', async () => {
    const audit = new AuditLog({ redis, prefix: uniquePrefix('audit') });
    for (let n = 1; n <= 250; n++)
      await audit.append({ ...entry(n), channel: n % 50 === 0 ? 'C0PROD' : 'C0OPS' });
    const prod = await audit.latestMatching(3, (e) => e.channel === 'C0PROD');
    expect(prod.map((e) => e.detail)).toEqual(['change 250', 'change 200', 'change 150']);
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
      mirror: { chat, channel: 'C0AUDIT', intervalMs: 20 },
    });
    await audit.append({ ...entry(1), waiver: 'two-person rule waived in incident mode' });
    await audit.close(2000);
    expect(chat.posts()).toHaveLength(1);
    expect(chat.posts()[0]).toMatchObject({ channel: 'C0AUDIT' });
    expect(chat.posts()[0]!.text).toBe(
      'applied: dns.update by <@UALICE> in <#C0OPS>: change 1 — waiver: two-person rule waived in incident mode (plan p-1)',
    );
    chat.failNext = 1;
    const again = new AuditLog({
      redis,
      prefix: uniquePrefix('audit'),
      mirror: { chat, channel: 'C0AUDIT', intervalMs: 20 },
    });
    await again.append(entry(2));
    expect((await again.latest(1))[0]!.detail).toBe('change 2');
    // The failed post is retried, not dropped.
    await again.close(2000);
    expect(chat.posts().at(-1)!.text).toContain('change 2');
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
