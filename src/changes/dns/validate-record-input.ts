import { isIPv4, isIPv6 } from 'node:net';
import { code } from '../../slack-text/code.js';
import type { DnsType } from './dns-change.js';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lowercase, without a trailing dot: how names are compared and stored. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** A problem with a record name, or undefined. `*` is allowed only as the leftmost label. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253) return `${code(name)} is not a valid DNS name`;
  const labels = name.split('.');
  if (labels.length < 2)
    return `${code(name)} is not a full name; give it with its zone, e.g. ${code(`${name}.ai.coder.com`)}`;
  const ok = labels.every((l, i) => (i === 0 && l === '*') || LABEL.test(l));
  return ok
    ? undefined
    : `${code(name)} is not a valid DNS name (letters, digits, - and _ per label; * only first)`;
}

/** The managed zone a name belongs to (the longest matching one), or undefined. */
export function zoneOfName(name: string, zones: readonly string[]): string | undefined {
  return [...zones]
    .sort((a, b) => b.length - a.length)
    .find((zone) => name === zone || name.endsWith(`.${zone}`));
}

function isHostname(host: string): boolean {
  const labels = host.split('.');
  return host.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l));
}

/** IPv6 in the canonical compressed lowercase form Cloudflare stores. */
export function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]`).hostname.slice(1, -1);
}

export type ContentCheck = { ok: true; content: string } | { ok: false; message: string };

/** Checks content for a record type the way Cloudflare would, with a message saying what is expected. */
export function checkContent(type: DnsType, raw: string, name: string): ContentCheck {
  const content = raw.trim();
  switch (type) {
    case 'A':
      return isIPv4(content)
        ? { ok: true, content }
        : {
            ok: false,
            message: `an A record needs an IPv4 address such as 203.0.113.10, not ${code(content)}`,
          };
    case 'AAAA':
      return isIPv6(content)
        ? { ok: true, content: canonicalIPv6(content) }
        : {
            ok: false,
            message: `an AAAA record needs an IPv6 address such as 2001:db8::10, not ${code(content)}`,
          };
    case 'CNAME': {
      const target = normalizeName(content);
      if (isIPv4(target) || isIPv6(target))
        return {
          ok: false,
          message: `a CNAME must point to a hostname, not an IP address; use an A or AAAA record for ${target}`,
        };
      if (!isHostname(target))
        return {
          ok: false,
          message: `a CNAME needs a hostname such as lb.example.com, not ${code(content)}`,
        };
      if (target === name) return { ok: false, message: 'a CNAME cannot point to itself' };
      return { ok: true, content: target };
    }
    case 'TXT':
      return content.length >= 1 && content.length <= 2048
        ? { ok: true, content }
        : { ok: false, message: 'TXT content must be 1–2048 characters' };
  }
}

/** `auto` → 1; otherwise whole seconds within Cloudflare's bounds. */
export function parseTtl(raw: string): { ok: true; ttl: number } | { ok: false; message: string } {
  if (raw.toLowerCase() === 'auto') return { ok: true, ttl: 1 };
  if (!/^\d+$/.test(raw)) return { ok: false, message: `TTL must be "auto" or seconds, not ${code(raw)}` };
  const ttl = Number(raw);
  if (ttl === 1) return { ok: true, ttl };
  if (ttl < 60 || ttl > 86400)
    return { ok: false, message: 'TTL must be auto or between 60 and 86400 seconds' };
  return { ok: true, ttl };
}

export const PROXIABLE: ReadonlySet<DnsType> = new Set<DnsType>(['A', 'AAAA', 'CNAME']);

/** Addresses that no user can reach (private, loopback, link-local, CGNAT, documentation ranges). */
export function unreachableAddress(ip: string): string | undefined {
  if (isIPv4(ip)) {
    const [a = 0, b = 0, c = 0] = ip.split('.').map(Number);
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address';
    if (a === 127 || a === 0) return 'a loopback or unspecified address';
    if (a === 169 && b === 254) return 'a link-local address';
    if (a === 100 && b >= 64 && b <= 127) return 'a carrier-grade NAT address';
    if (
      (a === 192 && b === 0 && c === 2) ||
      (a === 198 && b === 51 && c === 100) ||
      (a === 203 && b === 0 && c === 113)
    )
      return 'a documentation (TEST-NET) address';
    if (a >= 224) return 'a multicast or reserved address';
    return undefined;
  }
  const v6 = canonicalIPv6(ip);
  if (v6 === '::1' || v6 === '::') return 'a loopback or unspecified address';
  if (/^f[cd]/.test(v6)) return 'a unique-local (private) address';
  if (/^fe[89ab]/.test(v6)) return 'a link-local address';
  if (v6.startsWith('2001:db8:')) return 'a documentation address';
  return undefined;
}
