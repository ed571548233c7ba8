import { cfErrors } from '../api/cf-api-error.js';
import { ProxiableTypes, type RecordFields, type SupportedType, SupportedTypes } from './dns-record.js';
import {
  canonicalIPv6,
  expandName,
  isIPv4,
  isIPv6,
  isProxiableAddress,
  isValidOwnerName,
  isValidTargetHostname,
  normalizeName,
} from './hostnames.js';

export interface ValidRecord extends RecordFields {
  type: SupportedType;
  proxiable: boolean;
}

function isSupportedType(type: string): type is SupportedType {
  return (SupportedTypes as readonly string[]).includes(type);
}

/** Free-plan TTL rule: 1 (automatic) or 60–86400 seconds. */
function isValidTtl(ttl: number): boolean {
  return Number.isInteger(ttl) && (ttl === 1 || (ttl >= 60 && ttl <= 86400));
}

function validContent(type: SupportedType, content: string, name: string): string {
  switch (type) {
    case 'A':
      if (!isIPv4(content)) throw cfErrors.invalidA();
      return content;
    case 'AAAA':
      if (!isIPv6(content)) throw cfErrors.invalidAAAA();
      return canonicalIPv6(content);
    case 'CNAME':
    case 'MX':
    case 'NS': {
      if (!isValidTargetHostname(content)) throw cfErrors.invalidHostnameContent(type);
      const target = normalizeName(content);
      if (type === 'CNAME' && target === name) throw cfErrors.cnameSelf();
      return target;
    }
    case 'TXT':
      if (content.length === 0 || content.length > 2048) throw cfErrors.invalidHostnameContent('TXT');
      return content;
  }
}

/**
 * Checks a complete record the way the API does (type, name, TTL, content per type, proxy
 * rules) and returns it normalized: name expanded to the zone, content canonical.
 */
export function validateRecord(fields: RecordFields, zoneName: string): ValidRecord {
  const type = fields.type.toUpperCase();
  if (!isSupportedType(type)) throw cfErrors.invalidType();
  const name = expandName(fields.name, zoneName);
  if (fields.name.trim() === '' || !isValidOwnerName(name)) throw cfErrors.invalidName();
  if (!isValidTtl(fields.ttl)) throw cfErrors.invalidTtl();
  const content = validContent(type, fields.content, name);
  if (type === 'MX') {
    const p = fields.priority;
    if (p === undefined || !Number.isInteger(p) || p < 0 || p > 65535) throw cfErrors.invalidPriority();
  }
  const addressOk = type === 'A' || type === 'AAAA' ? isProxiableAddress(content) : true;
  const proxiable = ProxiableTypes.has(type) && addressOk;
  if (fields.proxied && !ProxiableTypes.has(type)) throw cfErrors.notProxiable();
  if (fields.proxied && !addressOk) throw cfErrors.proxyTargetNotAllowed(content);
  const { priority, ...rest } = fields;
  return {
    ...rest,
    ...(type === 'MX' ? { priority } : {}),
    type,
    name,
    content,
    proxiable,
  };
}
