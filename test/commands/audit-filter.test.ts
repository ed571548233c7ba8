import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import { auditFilter } from '../../src/jobs/ops/ops-audit-job.js';

const entry = (over: Partial<AuditRecord>): AuditRecord => ({
  id: '1-0',
  at: 0,
  actor: 'U1',
  action: 'ops.status',
  outcome: 'requested',
  detail: '',
  ...over,
});

describe('/ops audit filters', () => {
  const read = entry({});
  const planned = entry({ action: 'scale.apply', planId: 'p-1', actor: 'U2' });
  const refused = entry({ action: 'scale.apply', outcome: 'denied', actor: 'U2' });
  const all = [read, planned, refused];

  it('--changes keeps what is about a plan; --denied the refusals; --user one person; together, all must hold', () => {
    expect(all.filter(auditFilter({ limit: 10, changes: true }))).toEqual([planned]);
    expect(all.filter(auditFilter({ limit: 10, denied: true }))).toEqual([refused]);
    expect(all.filter(auditFilter({ limit: 10, user: 'U2' }))).toEqual([planned, refused]);
    expect(all.filter(auditFilter({ limit: 10, user: 'U2', denied: true }))).toEqual([refused]);
    expect(all.filter(auditFilter({ limit: 10 }))).toEqual(all);
  });
});
