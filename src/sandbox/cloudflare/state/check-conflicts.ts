import { cfErrors } from '../api/cf-api-error.js';
import type { StoredRecord } from './dns-record.js';
import type { ValidRecord } from './validate-record.js';

const addressTypes = new Set(['A', 'AAAA', 'CNAME']);

// Hostname and address contents compare case-insensitively; TXT is data and compares exactly.
function sameContent(type: string, a: string, b: string): boolean {
  return type === 'TXT' ? a === b : a.toLowerCase() === b.toLowerCase();
}

/**
 * The API's same-name rules: a CNAME cannot share its name with an A, AAAA or CNAME record
 * (81053 when adding the CNAME, 81054 when adding an address next to one), and no two records
 * may be identical (81058). `selfId` is the record being replaced, which never conflicts.
 */
export function checkConflicts(
  candidate: ValidRecord,
  records: Iterable<StoredRecord>,
  selfId?: string,
): void {
  const sameName = [...records].filter((r) => r.id !== selfId && r.name === candidate.name);
  if (candidate.type === 'CNAME' && sameName.some((r) => addressTypes.has(r.type)))
    throw cfErrors.cnameConflict();
  if ((candidate.type === 'A' || candidate.type === 'AAAA') && sameName.some((r) => r.type === 'CNAME'))
    throw cfErrors.hostHasCname();
  const identical = sameName.some(
    (r) =>
      r.type === candidate.type &&
      sameContent(r.type, r.content, candidate.content) &&
      (r.priority ?? null) === (candidate.priority ?? null),
  );
  if (identical) throw cfErrors.identicalRecord();
}
