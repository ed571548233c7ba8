import { isIPv4, isIPv6 } from 'node:net';

export { isIPv4, isIPv6 };

/** Lowercase, without a trailing dot: how names are compared and stored. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Cloudflare treats a record name that does not end in the zone as relative to it (`www` and
 * `www.other.org` in zone `example.com` become `www.example.com` and `www.other.org.example.com`);
 * `@` is the apex.
 */
export function expandName(name: string, zoneName: string): string {
  const n = normalizeName(name);
  if (n === '@' || n === '') return zoneName;
  if (n === zoneName || n.endsWith(`.${zoneName}`)) return n;
  return `${n}.${zoneName}`;
}

const label = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A valid record owner name: DNS labels, with `*` allowed only as the leftmost label. */
export function isValidOwnerName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  return labels.every((l, i) => (i === 0 && l === '*') || label.test(l));
}

/** A hostname usable as CNAME/MX/NS target: DNS labels, at least two, and not an IP address. */
export function isValidTargetHostname(host: string): boolean {
  const h = normalizeName(host);
  if (h.length === 0 || h.length > 253 || isIPv4(h) || isIPv6(h)) return false;
  const labels = h.split('.');
  return labels.length >= 2 && labels.every((l) => label.test(l));
}

/** IPv6 in its canonical compressed, lowercase form (what the API stores and returns). */
export function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]`).hostname.slice(1, -1);
}

/** Addresses Cloudflare refuses to proxy to (private, loopback, link-local, reserved). */
export function isProxiableAddress(ip: string): boolean {
  if (isIPv4(ip)) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  const v6 = canonicalIPv6(ip);
  return !(v6 === '::1' || v6 === '::' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6));
}
