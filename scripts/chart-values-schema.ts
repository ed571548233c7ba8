import { z } from 'zod';

// The Helm chart's values, as zod. helm/opsbot/values.schema.json is generated from this
// (scripts/generate-chart-schema.ts), so the schema Helm enforces and the one the tests
// validate values.yaml and the examples with are the same thing.

const k8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const optionalName = z.union([z.literal(''), k8sName]);
const stringMap = z.record(z.string(), z.string());
const anyObject = z.record(z.string(), z.unknown());
const quantity = z.union([z.string().regex(/^[0-9.]+(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/), z.number()]);

const Resources = z.strictObject({
  requests: z.record(z.string(), quantity).optional(),
  limits: z.record(z.string(), quantity).optional(),
});

// Plain values or references; secrets belong in secrets.*, so no literal value may look like one.
const EnvVar = z.union([
  z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), value: z.string() }),
  z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), valueFrom: anyObject }),
]);

const Pdb = z.strictObject({
  enabled: z.boolean(),
  maxUnavailable: z.union([z.number().int().min(0), z.string().regex(/^[0-9]{1,3}%$/)]),
});

const roleFields = {
  enabled: z.boolean(),
  replicaCount: z.number().int().min(0),
  resources: Resources,
  podDisruptionBudget: Pdb,
  podAnnotations: stringMap,
  extraEnv: z.array(EnvVar),
  nodeSelector: stringMap,
  tolerations: z.array(anyObject),
  affinity: anyObject,
  topologySpreadConstraints: z.array(anyObject),
};

const Probe = anyObject.describe('A Kubernetes probe (httpGet on the `http` port: /healthz, /readyz).');

export const ChartValues = z.strictObject({
  global: anyObject.optional(),
  image: z.strictObject({
    repository: z.string().min(1),
    tag: z.string(),
    digest: z.union([z.literal(''), z.string().regex(/^sha256:[0-9a-f]{64}$/)]),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
  }),
  imagePullSecrets: z.array(z.strictObject({ name: k8sName })),
  nameOverride: z.string(),
  fullnameOverride: z.string(),
  environment: z.string().min(1).describe('OPSBOT_ENVIRONMENT: the default inventory environment.'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  extraEnv: z.array(EnvVar),
  slack: z.strictObject({ mode: z.enum(['http', 'socket']) }),
  secrets: z.strictObject({
    name: k8sName,
    keys: z.strictObject({
      slackBotToken: z.string().min(1),
      slackSigningSecret: z.string().min(1),
      slackAppToken: z.string().min(1),
      cloudflareApiToken: z.string().min(1),
      coderSessionToken: z.string().min(1),
      litellmApiKey: z.string().min(1),
      redisUrl: z.string().min(1),
      redisPassword: z.string().min(1),
    }),
  }),
  externalSecret: z.strictObject({
    enabled: z.boolean(),
    apiVersion: z.enum(['external-secrets.io/v1', 'external-secrets.io/v1beta1']),
    refreshInterval: z.string().regex(/^[0-9]+(s|m|h)$/),
    secretStoreRef: z.strictObject({ kind: z.enum(['SecretStore', 'ClusterSecretStore']), name: z.string() }),
    remoteKey: z.string(),
  }),
  redis: z.strictObject({
    prefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/),
    bundled: z.strictObject({
      enabled: z.boolean(),
      image: z.strictObject({
        repository: z.string().min(1),
        tag: z.string().min(1),
        pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
      }),
      auth: z.boolean(),
      maxmemory: z.string().regex(/^[0-9]+(kb|mb|gb)$/),
      persistence: z.strictObject({ size: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/), storageClass: z.string() }),
      resources: Resources,
      networkPolicy: z.boolean(),
    }),
    external: z.strictObject({
      // No `@`: a password in a plain value would be readable by anyone who can read the Deployment.
      url: z.string().regex(/^(rediss?:\/\/[^@\s]+)?$/),
      urlFromSecret: z.boolean(),
    }),
  }),
  inventory: z.strictObject({
    environments: z.record(z.string().regex(/^[A-Za-z0-9._-]+\.ya?ml$/), z.string()),
  }),
  aws: z.strictObject({
    region: z.union([z.literal(''), z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/)]),
    identity: z.enum(['pod-identity', 'irsa']),
    roleArn: z.union([z.literal(''), z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/)]),
  }),
  serviceAccount: z.strictObject({
    create: z.boolean(),
    name: optionalName,
    webName: optionalName,
    annotations: stringMap,
  }),
  rbac: z.strictObject({
    create: z.boolean(),
    group: z.string().min(1),
    namespaces: z.array(k8sName),
    rotationSecret: z.strictObject({ namespace: k8sName, name: optionalName }),
    credentialSecrets: z.array(z.strictObject({ namespace: k8sName, name: k8sName })),
  }),
  web: z.strictObject({
    ...roleFields,
    livenessProbe: Probe,
    readinessProbe: Probe,
    preStopSleepSeconds: z.number().int().min(0).max(60),
  }),
  worker: z.strictObject(roleFields),
  scheduler: z.strictObject(roleFields),
  service: z.strictObject({
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']),
    port: z.number().int().min(1).max(65535),
  }),
  ingress: z.strictObject({
    enabled: z.boolean(),
    className: z.string(),
    annotations: stringMap,
    host: z.string().min(1),
    tls: z.strictObject({ secretName: z.string() }),
  }),
  metrics: z.strictObject({
    serviceMonitor: z.strictObject({
      enabled: z.boolean(),
      interval: z.string().regex(/^[0-9]+(s|m)$/),
      scrapeTimeout: z.string().regex(/^[0-9]+(s|m)$/),
      labels: stringMap,
    }),
  }),
  podSecurityContext: anyObject,
  securityContext: anyObject,
  terminationGracePeriodSeconds: z.number().int().min(0),
});
export type ChartValues = z.infer<typeof ChartValues>;

/** values.schema.json as Helm reads it (JSON Schema draft-07, understood by every Helm 3). */
export function chartValuesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ChartValues, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
}
