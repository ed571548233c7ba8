import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { DnsChange } from './dns-change.js';

/** One line for the plan title and the audit log, e.g. "update `x.ai.coder.com` A → 203.0.113.7". */
export function summarizeDnsChange(change: DnsChange): string {
  const first = change.items[0]!;
  const more = change.items.length > 1 ? ` and ${change.items.length - 1} more` : '';
  // Typed by the requester and shown in the plan everyone approves from: never markup.
  const target = first.set.map((t) => code(t.content)).join(', ');
  const reason = change.reason ? ` (reason: ${untrusted(change.reason)})` : '';
  switch (change.op) {
    case 'update':
      return `update ${code(first.name)} ${first.type} → ${target}${more}${reason}`;
    case 'delete':
      return `delete ${code(first.name)} ${first.type}${more}${reason}`;
    case 'sync':
      return `sync ${change.items.length} drifted record set(s) back to the inventory${reason}`;
    case 'rollback':
      return `restore ${change.items.length} record set(s)${change.rollbackOf ? ` changed by plan ${change.rollbackOf}` : ''}${reason}`;
  }
}
