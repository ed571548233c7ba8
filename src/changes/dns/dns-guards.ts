import { UserError } from '../../errors/user-error.js';
import type { Environment } from '../../inventory/schema.js';
import { AccessDeniedError } from '../../plans/access-rules.js';
import type { DnsChange, DnsLive } from './dns-change.js';
import { inventoryRecordOf, managedCount } from './inventory-records.js';
import { afterItem, sameValues } from './record-values.js';
import { PROXIABLE } from './validate-record-input.js';

/**
 * The admin-only parts a request shows by itself (--force, deleting an inventory record), checked in the
 * ack so the refusal is immediate and audited there; checkDnsPlan repeats them against the live state.
 */
export function checkDnsRequest(env: Environment, change: DnsChange): void {
  if (change.requesterRole === 'admin' || change.op === 'rollback') return;
  if (change.force) throw forceDenied(false);
  if (change.op !== 'delete') return;
  for (const item of change.items)
    if (item.set.length === 0 && inventoryRecordOf(env, item.name, item.type))
      throw inventoryDeleteDenied(item.name, item.type, false);
}

const forceDenied = (undo: boolean) =>
  undo
    ? new AccessDeniedError(
        'This undoes a change an admin forced past the share guard (--force); undoing it needs the admin role.',
        'Ask an admin to undo it.',
      )
    : new AccessDeniedError('--force needs the admin role.', 'Ask an admin to run it, or drop --force.');

const inventoryDeleteDenied = (name: string, type: string, undo: boolean) =>
  new AccessDeniedError(
    `\`${name}\` ${type} is one of the inventory's records; ${undo ? 'this undo deletes it, which' : 'deleting it'} needs the admin role.`,
    undo ? 'Ask an admin to undo it.' : 'To point it elsewhere, use /dns update instead.',
  );

/**
 * Refusals that depend on the inventory and the live state, checked when the plan is made:
 * deleting an inventory record needs an admin, and a plan may not touch more than
 * `dns.maxChangeShare` of a zone's managed records unless an admin forces it.
 */
export function checkDnsPlan(env: Environment, change: DnsChange, before: DnsLive): void {
  const isAdmin = change.requesterRole === 'admin';
  const undo = change.op === 'rollback';
  if (change.force && !isAdmin) throw forceDenied(undo);
  const changed = change.items.filter((item, i) => {
    const b = before.items[i];
    return b !== undefined && !sameValues(b.records, afterItem(item, b).records);
  });
  for (const item of changed) {
    const tracked = inventoryRecordOf(env, item.name, item.type);
    if (item.set.length === 0 && tracked && !isAdmin) throw inventoryDeleteDenied(item.name, item.type, undo);
    const current = before.items[change.items.indexOf(item)];
    const proxiedAfter = current ? afterItem(item, current).records.some((r) => r.proxied) : false;
    if (proxiedAfter && !PROXIABLE.has(item.type))
      throw new UserError(`${item.type} records cannot be proxied.`);
    const ttlAsked = item.set.some((t) => t.ttl !== undefined && t.ttl !== 1);
    if (proxiedAfter && ttlAsked)
      throw new UserError(`\`${item.name}\` is proxied, so its TTL is automatic.`, {
        hint: 'Add --no-proxied to set a TTL, or drop --ttl.',
      });
  }
  checkShare(env, change, changed.length, before);
}

function checkShare(env: Environment, change: DnsChange, changedCount: number, before: DnsLive): void {
  // A single-record change is the everyday incident fix; the guard is for broad plans (like DNS-as-code tools).
  if (changedCount <= 1) return;
  const zones = new Set(before.items.map((i) => i.zone));
  for (const zone of zones) {
    const managed = managedCount(env, zone);
    const touched = before.items.filter(
      (b, i) => b.zone === zone && !sameValues(b.records, afterItem(change.items[i]!, b).records),
    ).length;
    const share = managed === 0 ? 1 : touched / managed;
    if (touched > 1 && share > env.dns.maxChangeShare && !change.force)
      throw new UserError(
        `This plan changes ${touched} of ${managed} managed records of ${zone} (${Math.round(share * 100)}%), more than the ${Math.round(env.dns.maxChangeShare * 100)}% a plan may touch.`,
        { hint: 'Check the change; an admin may run it again with --force.' },
      );
  }
}
