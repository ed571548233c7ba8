import { z } from 'zod';
import { DNS_KIND, type DnsChange, DnsType } from '../changes/dns/dns-change.js';
import {
  checkContent,
  nameProblem,
  normalizeName,
  PROXIABLE,
  parseTtl,
  zoneOfName,
} from '../changes/dns/validate-record-input.js';
import { flagsOf } from './arg-schemas.js';
import { COMMAND_JOBS } from './command-jobs.js';
import type { CommandSpec, PlannedChange } from './command-spec.js';

export interface DnsCommandOptions {
  /** Managed zones of every environment: names outside all of them are refused before anything is queued. */
  zones?: readonly string[];
}

const on = z.literal(true).optional();
const text = (max: number, what: string) =>
  z.string().min(1).max(max, `${what} is limited to ${max} characters`);

function recordName(zones: readonly string[] | undefined) {
  return z.string().transform((raw, ctx) => {
    const name = normalizeName(raw);
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if (zones?.length && !zoneOfName(name, zones))
      ctx.addIssue({
        code: 'custom',
        message: `${name} is outside every zone opsbot manages (${zones.join(', ')}); nothing was planned`,
      });
    return name;
  });
}

const recordType = z
  .string()
  .transform((t) => t.toUpperCase())
  .pipe(z.enum(DnsType.options, { error: 'the record type must be A, AAAA, CNAME or TXT' }));

function updateArgs(zones?: readonly string[]) {
  return z
    .object({
      positionals: z.tuple([recordName(zones), recordType, z.string()], {
        error: 'give <name> <type> <content>',
      }),
      flags: flagsOf({
        ttl: z.string().optional(),
        proxied: on,
        'no-proxied': on,
        reason: text(300, 'the reason').optional(),
        incident: on,
      }),
    })
    .transform(({ positionals: [name, type, raw], flags }, ctx) => {
      const content = checkContent(type, raw, name);
      if (!content.ok) ctx.addIssue({ code: 'custom', message: content.message });
      const ttl = flags.ttl === undefined ? undefined : parseTtl(flags.ttl);
      if (ttl && !ttl.ok) ctx.addIssue({ code: 'custom', message: ttl.message });
      if (flags.proxied && flags['no-proxied'])
        ctx.addIssue({ code: 'custom', message: 'give either --proxied or --no-proxied, not both' });
      if (flags.proxied && !PROXIABLE.has(type))
        ctx.addIssue({ code: 'custom', message: `${type} records cannot be proxied` });
      if (flags.proxied && ttl?.ok && ttl.ttl !== 1)
        ctx.addIssue({ code: 'custom', message: 'proxied records always use TTL auto; drop --ttl' });
      const proxied = flags.proxied ? true : flags['no-proxied'] ? false : undefined;
      return {
        name,
        type,
        content: content.ok ? content.content : raw,
        ...(ttl?.ok ? { ttl: ttl.ttl } : {}),
        ...(proxied !== undefined ? { proxied } : {}),
        ...(flags.reason ? { reason: flags.reason } : {}),
        incident: flags.incident === true,
      };
    });
}

function deleteArgs(zones?: readonly string[]) {
  return z
    .object({
      positionals: z.tuple([recordName(zones), recordType], { error: 'give <name> <type>' }),
      flags: flagsOf({ reason: text(300, 'the reason').optional(), incident: on }),
    })
    .transform(({ positionals: [name, type], flags }) => ({
      name,
      type,
      ...(flags.reason ? { reason: flags.reason } : {}),
      incident: flags.incident === true,
    }));
}

export const DnsListArgs = z
  .object({ positionals: z.array(z.string()).max(1, 'give at most one zone or name'), flags: flagsOf({}) })
  .transform((t) => ({ target: t.positionals[0] ? normalizeName(t.positionals[0]) : undefined }));

export const DnsVerifyArgs = z
  .object({ positionals: z.tuple([z.string()]).or(z.tuple([z.string(), z.string()])), flags: flagsOf({}) })
  .transform((t, ctx) => {
    const name = normalizeName(t.positionals[0]);
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    const type = t.positionals[1]?.toUpperCase();
    if (type !== undefined && !DnsType.safeParse(type).success)
      ctx.addIssue({ code: 'custom', message: 'the record type must be A, AAAA, CNAME or TXT' });
    return { name, ...(type ? { type } : {}) };
  });

export const DnsRollbackArgs = z
  .object({
    positionals: z.tuple([z.string().regex(/^p-[a-f0-9]{6,40}$/, 'give the plan id, e.g. p-3f2a9c1e2b4d')]),
    flags: flagsOf({ incident: on, reason: text(300, 'the reason').optional() }),
  })
  .transform((t) => ({
    planId: t.positionals[0],
    incident: t.flags.incident === true,
    ...(t.flags.reason ? { reason: t.flags.reason } : {}),
  }));

export const DnsSyncArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
    flags: flagsOf({ force: on, incident: on, reason: text(300, 'the reason').optional() }),
  })
  .transform((t) => ({
    force: t.flags.force === true,
    incident: t.flags.incident === true,
    ...(t.flags.reason ? { reason: t.flags.reason } : {}),
  }));

/** The requester's role rides along in the change: inventory deletes and --force need admin. */
function planned(change: DnsChange): PlannedChange {
  return { kind: DNS_KIND, change };
}

/** `/dns`: list, update, delete, verify, rollback and sync Cloudflare records of the inventory's zones. */
export function createDnsCommand(opts: DnsCommandOptions = {}): CommandSpec {
  return {
    command: '/dns',
    description: 'Cloudflare DNS: list, plan and apply record changes',
    usageHint: 'list | update | delete | verify | rollback | sync',
    subcommands: [
      {
        name: 'list',
        summary: 'Records of the managed zones with drift against the inventory',
        usage: '[zone|name]',
        examples: ['/dns list', '/dns list oregon-proxy.ai.coder.com'],
        minRole: 'viewer',
        mutates: false,
        args: DnsListArgs,
        job: COMMAND_JOBS.dnsList,
      },
      {
        name: 'update',
        summary: 'Create or change one record (plan → approve → apply → verify)',
        usage: '<name> <type> <content> [--ttl N|auto] [--proxied|--no-proxied] [--reason "…"] [--incident]',
        examples: [
          '/dns update ai.coder.com CNAME ai-coder-dr.elb.us-west-2.amazonaws.com --reason "failover"',
          '/dns update status.ai.coder.com A 34.117.5.9 --ttl 60 --incident',
        ],
        minRole: 'operator',
        mutates: true,
        valueFlags: ['ttl', 'reason'],
        args: updateArgs(opts.zones),
        job: COMMAND_JOBS.planRequest,
        toChange: (args, request) => {
          const a = args as z.output<ReturnType<typeof updateArgs>>;
          return planned({
            env: request.env,
            op: 'update',
            items: [
              {
                name: a.name,
                type: a.type,
                set: [
                  {
                    content: a.content,
                    ...(a.ttl !== undefined ? { ttl: a.ttl } : {}),
                    ...(a.proxied !== undefined ? { proxied: a.proxied } : {}),
                  },
                ],
              },
            ],
            ...(a.reason ? { reason: a.reason } : {}),
            ...(a.incident ? { incident: true } : {}),
            requesterRole: request.role,
          });
        },
      },
      {
        name: 'delete',
        summary: 'Delete a record (inventory records need an admin)',
        usage: '<name> <type> [--reason "…"] [--incident]',
        examples: ['/dns delete test.ai.coder.com A --reason "cleanup"'],
        minRole: 'operator',
        mutates: true,
        valueFlags: ['reason'],
        args: deleteArgs(opts.zones),
        job: COMMAND_JOBS.planRequest,
        toChange: (args, request) => {
          const a = args as z.output<ReturnType<typeof deleteArgs>>;
          return planned({
            env: request.env,
            op: 'delete',
            items: [{ name: a.name, type: a.type, set: [] }],
            ...(a.reason ? { reason: a.reason } : {}),
            ...(a.incident ? { incident: true } : {}),
            requesterRole: request.role,
          });
        },
      },
      {
        name: 'verify',
        summary: 'Read a name back through the API and resolve it through DNS-over-HTTPS',
        usage: '<name> [type]',
        examples: ['/dns verify oregon-proxy.ai.coder.com'],
        minRole: 'viewer',
        mutates: false,
        args: DnsVerifyArgs,
        job: COMMAND_JOBS.dnsVerify,
      },
      {
        name: 'rollback',
        summary: 'Plan restoring the records a DNS change touched to their earlier values',
        usage: '<change-id> [--incident] [--reason "…"]',
        examples: ['/dns rollback p-3f2a9c1e2b4d'],
        minRole: 'operator',
        mutates: true,
        valueFlags: ['reason'],
        args: DnsRollbackArgs,
        job: COMMAND_JOBS.dnsRollback,
      },
      {
        name: 'sync',
        summary: 'Plan every drifted inventory record back to the inventory, in one batch',
        usage: '[--force] [--incident] [--reason "…"]',
        examples: ['/dns sync', '/dns sync --force'],
        minRole: 'operator',
        mutates: true,
        valueFlags: ['reason'],
        args: DnsSyncArgs,
        job: COMMAND_JOBS.dnsSync,
        refuse: (args, { role }) =>
          (args as z.output<typeof DnsSyncArgs>).force && role !== 'admin'
            ? '--force needs the admin role (the share guard protects the zone); ask an admin, or drop --force'
            : undefined,
      },
    ],
  };
}

export const dnsCommand = createDnsCommand();
