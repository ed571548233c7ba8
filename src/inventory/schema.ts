import { z } from 'zod';

// Kubernetes names and label values as the API server accepts them.
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS label');
const quantity = z
  .union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G)?$/), z.number()])
  .transform(String);

export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;

export const Cluster = z.object({
  id: z.string().min(1),
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS region such as us-east-2'),
  eksName: z.string().min(1),
  role: z.enum(['control-plane', 'proxy']),
});
export type Cluster = z.infer<typeof Cluster>;

export const DeploymentKind = z.enum(['coder-server', 'provisioner', 'proxy', 'litellm', 'key-rotator']);
export type DeploymentKind = z.infer<typeof DeploymentKind>;

export const Deployment = z
  .object({
    target: z.string().regex(/^[a-z0-9-]+(:[a-z0-9-]+)?$/, 'must look like `name` or `name:qualifier`'),
    kind: DeploymentKind,
    org: z.string().optional(),
    cluster: z.string(),
    namespace: dnsLabel,
    name: dnsLabel,
    labels: z.record(z.string(), z.string()).default({}),
    replicas: z.object({
      default: z.number().int().min(0),
      min: z.number().int().min(0),
      max: z.number().int().min(0),
    }),
    resources: z.object({ cpu: quantity, memory: quantity }),
    image: z.string(),
  })
  .refine((d) => d.replicas.min <= d.replicas.default && d.replicas.default <= d.replicas.max, {
    message: 'replicas must satisfy min <= default <= max',
    path: ['replicas'],
  });
export type Deployment = z.infer<typeof Deployment>;

export const RecordType = z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'MX']);
export type RecordType = z.infer<typeof RecordType>;

export const DnsRecord = z.object({
  name: z.string().min(1),
  type: RecordType,
  content: z.string().min(1),
  proxied: z.boolean().default(false),
  ttl: z.number().int().min(1),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

export const DnsZone = z.object({ name: z.string().min(1), records: z.array(DnsRecord) });
export type DnsZone = z.infer<typeof DnsZone>;

export const Image = z.object({
  id: z.string(),
  source: z.string().regex(/^[a-z0-9.-]+\/[a-z0-9._/-]+$/, 'must be registry/repository'),
  tag: z.string(),
  mirror: z.object({ registry: z.string(), repository: z.string(), region: z.string() }).optional(),
  /**
   * Coder templates whose workspaces start from this image: Coder's API does not say which image a template
   * pulls, so the inventory names them. `/images status` lists such an image under the workspace images.
   */
  templates: z
    .array(
      z
        .string()
        .max(32)
        .regex(/^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/, 'must be a Coder template name'),
    )
    .default([]),
});
export type Image = z.infer<typeof Image>;

export const Probe = z.object({
  id: z.string(),
  kind: z.enum(['coder', 'litellm']),
  url: z.url(),
  /** The deployment target serving it, to relate health to replicas and images. */
  deployment: z.string().optional(),
});
export type Probe = z.infer<typeof Probe>;

/**
 * A credential whose expiry opsbot watches (`/diagnose` credentials check), named as LiteLLM's provider
 * credentials are kept. `secret-annotation`: the expiry (RFC 3339) is an annotation of a Kubernetes
 * Secret; opsbot reads the Secret's metadata only (a `get` on that one Secret), never its data.
 */
export const Credential = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and -'),
  kind: z.literal('secret-annotation'),
  /** What it is, as people call it: "Anthropic API key (LiteLLM)". */
  description: z.string().default(''),
  cluster: z.string(),
  namespace: dnsLabel,
  name: dnsLabel,
  annotation: z
    .string()
    .regex(
      /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
      'must be an annotation key such as ai.coder.com/expires-at',
    ),
  /** How to renew it, shown beside a warning (there is no button: renewing happens at the provider). */
  renew: z.string().optional(),
});
export type Credential = z.infer<typeof Credential>;

export const CapacityRow = z.object({
  maxUsers: z.number().int().min(0),
  replicas: z.number().int().min(0),
  upTo: z.number().int().min(0).optional(),
});
export type CapacityRow = z.infer<typeof CapacityRow>;

const Principals = z.object({
  users: z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user ID')).default([]),
  usergroups: z.array(z.string().regex(/^S[A-Z0-9]+$/, 'must be a Slack user group ID')).default([]),
});

export const AlertSeverity = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

const channelId = z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel ID');

/**
 * Scheduled alerts: which `/diagnose` checks run on a schedule and where their alerts go. Fire after
 * `fireAfter` consecutive failing runs, resolve after `resolveAfter` passing ones (hysteresis).
 */
export const Alerts = z.object({
  /** How often the checks below run unless one gives its own `everySeconds`. */
  everySeconds: z.number().int().min(5).max(86_400).default(300),
  fireAfter: z.number().int().min(1).max(100).default(2),
  resolveAfter: z.number().int().min(1).max(100).default(2),
  /** Mention `onCall` when a firing alert is not acknowledged within this long. */
  escalateAfterMinutes: z.number().positive().default(30),
  onCall: z
    .string()
    .regex(/^S[A-Z0-9]+$/, 'must be a Slack user group ID')
    .optional(),
  /** Channel per severity; the first ops channel where none is given. */
  channels: z.object({ info: channelId, warning: channelId, critical: channelId }).partial().default({}),
  /** Time zone of "snooze until tomorrow 09:00". */
  tz: z.string().default('UTC'),
  checks: z
    .array(
      z.object({
        /** A check id of `/diagnose` (unknown ids are reported and skipped at run time). */
        id: z.string().min(1),
        severity: AlertSeverity.default('warning'),
        /** The least severe result status that counts as failing: `warn` (warnings fire too) or `fail`. */
        fireOn: z.enum(['warn', 'fail']).default('fail'),
        /**
         * This check's own interval (default: the section's). One scheduler per environment ticks at the
         * smallest interval; a check runs on the ticks where its own interval has passed.
         */
        everySeconds: z.number().int().min(5).max(86_400).optional(),
      }),
    )
    .default([]),
});
export type Alerts = z.infer<typeof Alerts>;

/**
 * `/workshop prep`: where the smoke tests run (one per region, through the control plane or a proxy) and
 * how long after the end the wind-down waits.
 */
export const Workshop = z.object({
  smoke: z
    .array(
      z.object({
        /** Shown in reports, e.g. us-west-2. */
        region: z.string().min(1),
        /** A `coder`-kind probe id: the Coder URL (control plane or workspace proxy) the test goes through. */
        probe: z.string().min(1),
        /** Template name the smoke workspace is created from. */
        template: z.string().min(1),
        org: z.string().default('default'),
      }),
    )
    .default([]),
  /** Scale back and resume rotation this long after the end. */
  windDownAfterMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(30),
  /** Post the summary this long after the end. */
  summaryAfterMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(60),
  /** Largest workshop `/workshop prep` accepts. */
  maxUsers: z.number().int().positive().default(500),
});
export type Workshop = z.infer<typeof Workshop>;

export const Environment = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    clusters: z.array(Cluster).min(1),
    deployments: z.array(Deployment),
    rotation: z
      .object({
        deployment: z.string(),
        secret: z.object({ namespace: dnsLabel, name: dnsLabel }),
        intervalHours: z.object({ min: z.number().positive(), max: z.number().positive() }),
        maxPauseHours: z.number().positive(),
      })
      .optional(),
    dns: z.object({ zones: z.array(DnsZone), maxChangeShare: z.number().min(0).max(1).default(0.3) }),
    images: z.array(Image).default([]),
    probes: z.array(Probe).default([]),
    credentials: z.array(Credential).default([]),
    capacity: z.record(z.string(), z.array(CapacityRow)).default({}),
    thresholds: z.object({
      nodeStorageMaxPercent: z.number().min(0).max(100),
      capacityHeadroomMinPercent: z.number().min(0).max(100),
      credentialsMinValidDays: z.number().min(0),
      /**
       * How long each check (of `/diagnose`, the alerts, the workshop checklist) may take before it shows ❔;
       * each cluster's part gets 2 s less. Raise it where one pass over a cluster's pods takes longer (about
       * 25 s at 150,000 pods).
       */
      checkDeadlineSeconds: z.number().min(3).max(300).default(9),
    }),
    slack: z.object({
      opsChannels: z.array(z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel ID')).min(1),
      auditChannel: z.string().optional(),
    }),
    access: z.object({
      roles: z.object({ admin: Principals, operator: Principals, viewer: Principals }),
      twoPerson: z.array(z.string()).default([]),
      incidentWaiver: z.boolean().default(false),
      planTtlMinutes: z.number().positive().default(15),
      /** Plans one person may have waiting for approval at once in this environment (a flood is refused). */
      maxPendingPlansPerUser: z.number().int().positive().default(10),
    }),
    schedules: z
      .array(z.object({ id: z.string(), job: z.string(), cron: z.string(), tz: z.string().default('UTC') }))
      .default([]),
    alerts: Alerts.optional(),
    workshop: Workshop.optional(),
  })
  .superRefine((env, ctx) => {
    const clusterIds = new Set(env.clusters.map((c) => c.id));
    const imageIds = new Set(env.images.map((i) => i.id));
    const targets = new Set<string>();
    env.deployments.forEach((d, i) => {
      if (!clusterIds.has(d.cluster))
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'cluster'],
          message: `unknown cluster "${d.cluster}"`,
        });
      if (!imageIds.has(d.image))
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'image'],
          message: `unknown image "${d.image}"`,
        });
      if (targets.has(d.target))
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'target'],
          message: `duplicate target "${d.target}"`,
        });
      targets.add(d.target);
    });
    const credentialIds = new Set<string>();
    env.credentials.forEach((c, i) => {
      if (!clusterIds.has(c.cluster))
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', i, 'cluster'],
          message: `unknown cluster "${c.cluster}"`,
        });
      if (credentialIds.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', i, 'id'],
          message: `duplicate credential "${c.id}"`,
        });
      credentialIds.add(c.id);
    });
    env.probes.forEach((p, i) => {
      if (p.deployment && !targets.has(p.deployment))
        ctx.addIssue({
          code: 'custom',
          path: ['probes', i, 'deployment'],
          message: `unknown deployment target "${p.deployment}"`,
        });
    });
    if (env.rotation && !targets.has(env.rotation.deployment))
      ctx.addIssue({
        code: 'custom',
        path: ['rotation', 'deployment'],
        message: 'unknown deployment target',
      });
    const alertIds = new Set<string>();
    env.alerts?.checks.forEach((c, i) => {
      if (alertIds.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['alerts', 'checks', i, 'id'],
          message: `duplicate check "${c.id}"`,
        });
      alertIds.add(c.id);
    });
    const probeIds = new Set(env.probes.filter((p) => p.kind === 'coder').map((p) => p.id));
    env.workshop?.smoke.forEach((s, i) => {
      if (!probeIds.has(s.probe))
        ctx.addIssue({
          code: 'custom',
          path: ['workshop', 'smoke', i, 'probe'],
          message: `unknown coder probe "${s.probe}"`,
        });
    });
    if (env.alerts && !isTimeZone(env.alerts.tz))
      ctx.addIssue({
        code: 'custom',
        path: ['alerts', 'tz'],
        message: `unknown time zone "${env.alerts.tz}"`,
      });
    env.dns.zones.forEach((zone, zi) => {
      zone.records.forEach((r, ri) => {
        const bare = r.name.replace(/^\*\./, '');
        if (bare !== zone.name && !bare.endsWith(`.${zone.name}`))
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'zones', zi, 'records', ri, 'name'],
            message: `"${r.name}" is outside zone ${zone.name}`,
          });
      });
    });
  });
export type Environment = z.infer<typeof Environment>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
