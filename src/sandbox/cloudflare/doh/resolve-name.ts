import type { StoredRecord } from '../state/dns-record.js';
import type { Zone, ZoneStore } from '../state/zone-store.js';
import { anycastAddresses, externalAddresses } from './synthetic-addresses.js';

export const TypeNumbers: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  CAA: 257,
};

export interface DnsAnswer {
  name: string;
  type: number;
  TTL: number;
  data: string;
}

export interface Resolution {
  /** DNS RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN. */
  Status: number;
  Answer: DnsAnswer[];
  Authority: DnsAnswer[];
}

const maxChase = 8;
const autoTtl = 300;

function rrData(r: StoredRecord): string {
  switch (r.type) {
    case 'CNAME':
    case 'NS':
      return `${r.content}.`;
    case 'MX':
      return `${r.priority ?? 0} ${r.content}.`;
    case 'TXT':
      return /^".*"$/s.test(r.content) ? r.content : `"${r.content}"`;
    default:
      return r.content;
  }
}

function answer(owner: string, r: StoredRecord): DnsAnswer {
  return {
    name: `${owner}.`,
    type: TypeNumbers[r.type] ?? 0,
    TTL: r.ttl === 1 ? autoTtl : r.ttl,
    data: rrData(r),
  };
}

function soa(zone: Zone): DnsAnswer {
  const primary = zone.nameServers[0] ?? 'ns.cloudflare.com';
  return {
    name: `${zone.name}.`,
    type: 6,
    TTL: 1800,
    data: `${primary}. dns.cloudflare.com. 2357219113 10000 2400 604800 1800`,
  };
}

/** The zone's own name servers (Cloudflare's, read-only in the dashboard) as the apex NS RRset. */
function apexNs(zone: Zone): DnsAnswer[] {
  const servers = zone.nameServers.length > 0 ? zone.nameServers : ['ns.cloudflare.com'];
  return servers.map((ns) => ({ name: `${zone.name}.`, type: 2, TTL: 86400, data: `${ns}.` }));
}

function recordsAt(zone: Zone, name: string): StoredRecord[] {
  return [...zone.records.values()].filter((r) => r.name === name);
}

/** A name exists if it is the apex, owns records, or has records below it (an empty non-terminal). */
function nameExists(zone: Zone, name: string): boolean {
  return (
    name === zone.name ||
    [...zone.records.values()].some((r) => r.name === name || r.name.endsWith(`.${name}`))
  );
}

/** The records answering for `qname`: its own, else those of the wildcard at its closest encloser (RFC 4592). */
function lookupNode(zone: Zone, qname: string): StoredRecord[] | 'nodata' | 'nxdomain' {
  const own = recordsAt(zone, qname);
  if (own.length > 0) return own;
  if (nameExists(zone, qname)) return 'nodata';
  let encloser = qname;
  do encloser = encloser.slice(encloser.indexOf('.') + 1);
  while (encloser !== zone.name && !nameExists(zone, encloser));
  const wildcard = recordsAt(zone, `*.${encloser}`);
  return wildcard.length > 0 ? wildcard : 'nxdomain';
}

function outsideZones(qname: string, qtype: number): Resolution {
  const family = qtype === 1 ? 4 : qtype === 28 ? 6 : undefined;
  const addresses = family ? externalAddresses(qname, family) : undefined;
  if (addresses === undefined) return { Status: 2, Answer: [], Authority: [] };
  const type = qtype;
  return {
    Status: 0,
    Answer: addresses.map((data) => ({ name: `${qname}.`, type, TTL: 60, data })),
    Authority: [],
  };
}

function answerNode(
  store: ZoneStore,
  zone: Zone,
  qname: string,
  qtype: number,
  node: StoredRecord[],
  depth: number,
): Resolution {
  // Proxied names answer address queries with Cloudflare's edge for both families, hiding the origin.
  if ((qtype === 1 || qtype === 28) && node.some((r) => r.proxied)) {
    const data = anycastAddresses(qname, qtype === 1 ? 4 : 6);
    return {
      Status: 0,
      Answer: data.map((d) => ({ name: `${qname}.`, type: qtype, TTL: autoTtl, data: d })),
      Authority: [],
    };
  }
  const apexCname = qname === zone.name ? node.find((r) => r.type === 'CNAME' && !r.proxied) : undefined;
  // Cloudflare lets TXT/MX live beside a CNAME and answers them directly; a proxied CNAME stays hidden.
  const matching = node.filter((r) => TypeNumbers[r.type] === qtype && !r.proxied && r !== apexCname);
  if (matching.length > 0) return { Status: 0, Answer: matching.map((r) => answer(qname, r)), Authority: [] };
  if (apexCname) return flattenApex(store, zone, apexCname, qtype, depth);
  const cname = node.find((r) => r.type === 'CNAME' && !r.proxied);
  if (cname && qtype !== 5) {
    const rest = depth < maxChase ? resolveAt(store, cname.content, qtype, depth + 1) : undefined;
    const tail = rest && rest.Status !== 2 ? rest : { Status: 0, Answer: [], Authority: [] };
    return { Status: tail.Status, Answer: [answer(qname, cname), ...tail.Answer], Authority: tail.Authority };
  }
  return { Status: 0, Answer: [], Authority: [soa(zone)] };
}

/**
 * Cloudflare always flattens a CNAME at the zone apex: address queries get the target's final addresses
 * owned by the apex, with the lower of the two TTLs; the CNAME itself is never served. A target without
 * addresses gives NODATA, one that cannot be resolved (outside the zones, not a load balancer) SERVFAIL.
 */
function flattenApex(
  store: ZoneStore,
  zone: Zone,
  cname: StoredRecord,
  qtype: number,
  depth: number,
): Resolution {
  const nodata: Resolution = { Status: 0, Answer: [], Authority: [soa(zone)] };
  if (qtype !== 1 && qtype !== 28) return nodata;
  const target = depth < maxChase ? resolveAt(store, cname.content, qtype, depth + 1) : undefined;
  if (!target || target.Status === 2) return { Status: 2, Answer: [], Authority: [] };
  const addresses = target.Answer.filter((a) => a.type === qtype);
  if (addresses.length === 0) return nodata;
  const ttl = cname.ttl === 1 ? autoTtl : cname.ttl;
  return {
    Status: 0,
    Answer: addresses.map((a) => ({
      name: `${zone.name}.`,
      type: qtype,
      TTL: Math.min(ttl, a.TTL),
      data: a.data,
    })),
    Authority: [],
  };
}

function resolveAt(store: ZoneStore, qname: string, qtype: number, depth: number): Resolution {
  const zone = store.containing(qname);
  if (!zone) return outsideZones(qname, qtype);
  // The apex owns the zone's SOA and NS, whatever else (a flattened CNAME) lives there.
  if (qname === zone.name && qtype === 6) return { Status: 0, Answer: [soa(zone)], Authority: [] };
  if (qname === zone.name && qtype === 2) return { Status: 0, Answer: apexNs(zone), Authority: [] };
  const node = lookupNode(zone, qname);
  if (node === 'nxdomain') return { Status: 3, Answer: [], Authority: [soa(zone)] };
  if (node === 'nodata') return { Status: 0, Answer: [], Authority: [soa(zone)] };
  return answerNode(store, zone, qname, qtype, node, depth);
}

/**
 * Answers a query from the current records, like Cloudflare's resolver sees an authoritative
 * zone: CNAMEs are followed (and flattened at the apex), wildcards synthesized, proxied names answered
 * with anycast addresses. Names outside the managed zones get SERVFAIL (this resolver cannot recurse),
 * except AWS load balancer names, which get stable addresses.
 */
export function resolveName(store: ZoneStore, qname: string, qtype: number): Resolution {
  return resolveAt(store, qname, qtype, 0);
}
