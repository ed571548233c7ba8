import type { Environment } from '../../inventory/schema.js';
import type { PlanView } from '../../plans/change-kind.js';
import type { Blocks } from '../../ports/chat.js';
import { code } from '../../slack-text/code.js';
import { untrusted } from '../../slack-text/untrusted.js';
import type { DnsChange, DnsLive } from './dns-change.js';
import { inventoryRecordOf } from './inventory-records.js';
import { describeValues, sameValues } from './record-values.js';

const MAX_ITEMS = 20;

/** One section per record set that changes: before → after and what the inventory expects. */
export function renderDnsPlan(env: Environment | undefined, plan: PlanView<DnsChange, DnsLive>): Blocks {
  const blocks: Blocks = [];
  const changed = plan.before.items
    .map((before, i) => ({ before, after: plan.after.items[i]! }))
    .filter(({ before, after }) => after && !sameValues(before.records, after.records));
  for (const { before, after } of changed.slice(0, MAX_ITEMS)) {
    const tracked = env ? inventoryRecordOf(env, before.name, before.type) : undefined;
    const inventory = tracked ? describeValues([tracked.value]) : 'not in the inventory';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${code(before.name)} ${before.type}* (zone ${before.zone})\n*Before:* ${describeValues(before.records)}\n*After:* ${describeValues(after.records)}\n_Inventory:_ ${inventory}`,
      },
    });
  }
  // The rest by name at least: an approver must be able to see every record the plan touches.
  if (changed.length > MAX_ITEMS) {
    const rest = changed.slice(MAX_ITEMS).map(({ before }) => `${code(before.name)} ${before.type}`);
    const text = `… and ${rest.length} more record sets: ${rest.join(', ')}`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, 1900) }] });
  }
  const notes = [
    changed.length > 1 ? `Applied as one Cloudflare batch per zone (all or nothing).` : '',
    plan.change.reason ? `Reason: ${untrusted(plan.change.reason)}` : '',
  ].filter(Boolean);
  if (notes.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' · ') }] });
  return blocks;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
