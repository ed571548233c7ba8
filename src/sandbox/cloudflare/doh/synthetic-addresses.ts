import { createHash } from 'node:crypto';

function bytes(name: string): number[] {
  return [...createHash('sha256').update(name).digest().subarray(0, 8)];
}

/**
 * What Cloudflare answers for a proxied hostname: two of its anycast addresses per family instead
 * of the origin. Stable per name, in the ranges real proxied names get (104.21/16, 172.67/16).
 */
export function anycastAddresses(name: string, family: 4 | 6): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = bytes(name);
  if (family === 4) return [`104.21.${a}.${b}`, `172.67.${c}.${d}`];
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  return [`2606:4700:3030::6815:${hex(a, b)}`, `2606:4700:3036::ac43:${hex(c, d)}`];
}

const elbHost = /\.elb\.[a-z0-9-]+\.amazonaws\.com$/;

/**
 * A/AAAA answers for the AWS load balancer names the zones point at, so a lookup through a
 * CNAME ends in addresses as it would on the internet. Undefined for any other outside name.
 */
export function externalAddresses(name: string, family: 4 | 6): string[] | undefined {
  if (!elbHost.test(name)) return undefined;
  if (family === 6) return [];
  const [a = 0, b = 0, c = 0, d = 0] = bytes(name);
  return [`3.${(a % 32) + 128}.${b}.${c}`, `18.${(d % 64) + 160}.${a}.${b}`];
}
