import type { AuditEntryInput } from '../audit/audit-entry.js';

/** Append-only audit trail, as handlers see it; `src/audit/audit-log.ts` implements it over a Redis stream. */
export interface AuditSink {
  append(entry: AuditEntryInput): Promise<unknown>;
}
