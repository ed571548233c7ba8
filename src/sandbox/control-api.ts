import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseDuration } from '../commands/parse-duration.js';
import { WORKSPACE_FAIL_STEPS, type WorkspaceFailStep } from './coder/start-coder-sandbox.js';
import type { ControlContext, Route, Sim } from './control-route.js';
import { IMAGE_ROUTES } from './control-routes-images.js';
import { readBody, sendJson } from './shared/http.js';
import type { ActionRequest, CommandRequest, SlackControl } from './slack-control.js';

/** `retries: N` (0–3) or `retry: true` (one): redeliveries as Slack sends them, with X-Slack-Retry-Num. */
const retries = {
  retries: z.number().int().min(0).max(3).optional(),
  retry: z.boolean().optional(),
};
const retryCount = (b: { retries?: number | undefined; retry?: boolean | undefined }) =>
  b.retries ?? (b.retry ? 1 : 0);

function slackOf(ctx: ControlContext): SlackControl {
  if (!ctx.slack) throw new Error('no bot runs in this sandbox: nothing to send to');
  return ctx.slack;
}

const deployment = { cluster: z.string(), namespace: z.string(), name: z.string() };
const on = z.boolean().default(true);

/** The sandbox control API: every runbook situation a test or demo needs, as `POST /_sandbox/<route>`. */
export const CONTROL_ROUTES: Record<string, Route> = {
  ...IMAGE_ROUTES,
  'nodes/fill': {
    summary: "fill a node's ephemeral storage: {cluster, node, percent}",
    body: z.object({ cluster: z.string(), node: z.string(), percent: z.number().min(0).max(100) }),
    run: (sim, b: { cluster: string; node: string; percent: number }) =>
      sim.kube.control.fillNodeStorage(b.cluster, b.node, b.percent),
  },
  'pods/crashloop': {
    summary:
      "make a deployment's pods crash-loop: {cluster, namespace, name, on, reason?: 'Error' | 'OOMKilled'} (OOMKilled: killed for memory, exit 137)",
    body: z.object({ ...deployment, on, reason: z.enum(['Error', 'OOMKilled']).default('Error') }),
    run: (
      sim,
      b: { cluster: string; namespace: string; name: string; on: boolean; reason: 'Error' | 'OOMKilled' },
    ) => sim.kube.control.crashLoop(b.cluster, b.namespace, b.name, b.on, b.reason),
  },
  'pods/image-pull': {
    summary: "make a deployment's new pods fail to pull their image: {cluster, namespace, name, on}",
    body: z.object({ ...deployment, on }),
    run: (sim, b: { cluster: string; namespace: string; name: string; on: boolean }) =>
      sim.kube.control.failImagePull(b.cluster, b.namespace, b.name, b.on),
  },
  'pods/readiness': {
    summary:
      "make a deployment's pods fail their readiness probe, which prints `output`: {cluster, namespace, name, output?} (no output: passing again)",
    body: z.object({ ...deployment, output: z.string().optional() }),
    run: (sim, b: { cluster: string; namespace: string; name: string; output?: string }) =>
      sim.kube.control.failReadiness(b.cluster, b.namespace, b.name, b.output),
  },
  'pods/evict': {
    summary: 'evict one pod: {cluster, namespace, pod}',
    body: z.object({ cluster: z.string(), namespace: z.string(), pod: z.string() }),
    run: (sim, b: { cluster: string; namespace: string; pod: string }) =>
      sim.kube.control.evictPod(b.cluster, b.namespace, b.pod),
  },
  'nodes/capacity': {
    summary: 'leave no room on the nodes for new pods: {cluster, exhausted}',
    body: z.object({ cluster: z.string(), exhausted: on }),
    run: (sim, b: { cluster: string; exhausted: boolean }) =>
      sim.kube.control.exhaustCapacity(b.cluster, b.exhausted),
  },
  'karpenter/stop': {
    summary: "scale a cluster's Karpenter controller to 0 (stopped: true) or back to 2: {cluster, stopped}",
    body: z.object({ cluster: z.string(), stopped: on }),
    run: (sim, b: { cluster: string; stopped: boolean }) =>
      sim.kube.control.stopKarpenter(b.cluster, b.stopped),
  },
  'karpenter/stuck-claim': {
    summary:
      'add a NodeClaim Karpenter could not launch for 20 min (Launched=False, insufficient capacity): {cluster, pool?} → {name}',
    body: z.object({ cluster: z.string(), pool: z.string().default('default') }),
    run: (sim, b: { cluster: string; pool: string }) => ({
      name: sim.kube.control.addStuckNodeClaim(b.cluster, b.pool),
    }),
  },
  'rotation/rotate': {
    summary: 'make the key rotator rotate now (restarts workspaces); false when it is paused',
    body: z.object({}).default({}),
    run: (sim) => ({ rotated: sim.kube.control.rotateKey() }),
  },
  'deployments/scale': {
    summary: "someone else's kubectl scale: {cluster, namespace, name, replicas}",
    body: z.object({ ...deployment, replicas: z.number().int().min(0) }),
    run: (sim, b: { cluster: string; namespace: string; name: string; replicas: number }) =>
      sim.kube.control.setReplicas(b.cluster, b.namespace, b.name, b.replicas),
  },
  'deployments/managed-by': {
    summary: 'add Argo CD or Helm ownership markers: {cluster, namespace, name, by: argocd|helm|null}',
    body: z.object({ ...deployment, by: z.enum(['argocd', 'helm']).nullable() }),
    run: (sim, b: { cluster: string; namespace: string; name: string; by: 'argocd' | 'helm' | null }) =>
      sim.kube.control.setManagedBy(b.cluster, b.namespace, b.name, b.by),
  },
  'deployments/hpa': {
    summary: 'add an HPA targeting a deployment: {cluster, namespace, name, min, max}',
    body: z.object({ ...deployment, min: z.number().int().min(1), max: z.number().int().min(1) }),
    run: (sim, b: { cluster: string; namespace: string; name: string; min: number; max: number }) =>
      sim.kube.control.addHpa(b.cluster, b.namespace, b.name, b.min, b.max),
  },
  'dns/record': {
    summary: 'change or create a record out of band: {zone, name, type, content?, proxied?, ttl?}',
    body: z.object({
      zone: z.string(),
      name: z.string(),
      type: z.string(),
      content: z.string().optional(),
      proxied: z.boolean().optional(),
      ttl: z.number().int().optional(),
    }),
    run: (
      sim,
      b: { zone: string; name: string; type: string; content?: string; proxied?: boolean; ttl?: number },
    ) => {
      const { zone, name, type, ...fields } = b;
      return sim.cloudflare.control.setRecord(zone, name, type, fields);
    },
  },
  'dns/delete': {
    summary: 'delete records out of band: {zone, name, type}',
    body: z.object({ zone: z.string(), name: z.string(), type: z.string() }),
    run: (sim, b: { zone: string; name: string; type: string }) => ({
      deleted: sim.cloudflare.control.deleteRecord(b.zone, b.name, b.type),
    }),
  },
  faults: {
    summary:
      'fail the next N calls of an API: {api, status, count, retryAfter? (seconds or an HTTP date), methods?, after?} (methods: only calls with these HTTP methods, e.g. ["PATCH"]; after: let that many matching calls through first; api: kube:<cluster>, cloudflare, eks, sts, ecr, registry:ghcr, registry:ecr, coder, litellm, slack, slack:upload (file upload URLs), doh)',
    body: z.object({
      api: z.string(),
      status: z.number().int().min(400).max(599),
      count: z.number().int().min(1),
      retryAfter: z.union([z.number(), z.string()]).optional(),
      methods: z.array(z.string().toUpperCase()).optional(),
      after: z.number().int().min(0).optional(),
    }),
    run: (
      sim,
      b: {
        api: string;
        status: number;
        count: number;
        retryAfter?: number | string;
        methods?: string[];
        after?: number;
      },
    ) =>
      sim.faults.fail(b.api, {
        status: b.status,
        count: b.count,
        ...(b.retryAfter !== undefined ? { retryAfter: b.retryAfter } : {}),
        ...(b.methods ? { methods: b.methods } : {}),
        ...(b.after ? { after: b.after } : {}),
      }),
  },
  latency: {
    summary: 'add latency to every call of an API: {api, ms} (0 removes it)',
    body: z.object({ api: z.string(), ms: z.number().int().min(0) }),
    run: (sim, b: { api: string; ms: number }) => sim.faults.slow(b.api, b.ms),
  },
  unreachable: {
    summary:
      'drop every connection to an API: {api, down} (api `tls` or `tls:<probe id>`: the TLS handshake of every probed domain, or of one, is aborted)',
    body: z.object({ api: z.string(), down: on }),
    run: (sim, b: { api: string; down: boolean }) => sim.faults.setUnreachable(b.api, b.down),
  },
  'coder/database': {
    summary: "fail Coder's and LiteLLM's database: {failing}",
    body: z.object({ failing: on }),
    run: (sim, b: { failing: boolean }) => sim.coder.control.failDatabase(b.failing),
  },
  'coder/pending-jobs': {
    summary: 'set the provisioner job queue of an org: {org, count}',
    body: z.object({ org: z.string(), count: z.number().int().min(0) }),
    run: (sim, b: { org: string; count: number }) => sim.coder.control.setPendingJobs(b.org, b.count),
  },
  'coder/workspaces/fail': {
    summary:
      "make a Coder workspace step fail until cleared: {probe | workspace, step: 'create'|'build'|'agent'|'command'|'delete'|null, message?} (probe: requests that probe serves — the control plane serves create/build/agent/delete for every region, a proxy only terminals ('command'); workspace: only that workspace by name; step null clears)",
    body: z
      .object({
        probe: z.string().optional(),
        workspace: z.string().optional(),
        step: z.enum(WORKSPACE_FAIL_STEPS).nullable(),
        message: z.string().optional(),
      })
      .refine((b) => (b.probe === undefined) !== (b.workspace === undefined), {
        message: 'give exactly one of probe or workspace',
      }),
    run: (sim, b: { probe?: string; workspace?: string; step: WorkspaceFailStep | null; message?: string }) =>
      sim.coder.control.failWorkspaces(
        b.probe !== undefined ? { probe: b.probe } : { workspace: b.workspace as string },
        b.step,
        b.message,
      ),
  },
  'credentials/expire': {
    summary:
      "a credential expires: {id, in?: '3d' | ago?: '1h'} (default: expired 1 h ago; id: 'litellm-key' for opsbot's LiteLLM key, else an inventory credentials[].id, whose Secret annotation changes) → {expires}",
    body: z
      .object({ id: z.string(), in: z.string().optional(), ago: z.string().optional() })
      .refine((b) => b.in === undefined || b.ago === undefined, { message: 'give in or ago, not both' }),
    run: (sim, b: { id: string; in?: string; ago?: string }) => {
      const offset = b.in !== undefined ? parseDuration(b.in) : -(parseDuration(b.ago ?? '1h') ?? Number.NaN);
      if (offset === undefined || Number.isNaN(offset))
        throw new Error('in/ago must be a duration such as 3d or 90m');
      const at = sim.clock.now() + offset;
      if (b.id === 'litellm-key') sim.coder.control.setKeyExpiry(new Date(at).toISOString());
      else sim.kube.control.setCredentialExpiry(b.id, at);
      return { expires: new Date(at).toISOString() };
    },
  },
  'tls/certificate': {
    summary:
      "re-issue a probed domain's TLS certificate: {probe, expiresIn?: '3d' | expiredAgo?: '1d', selfSigned?} (default: 60 days left, signed by the sandbox CA) → {host, notAfter}",
    body: z
      .object({
        probe: z.string(),
        expiresIn: z.string().optional(),
        expiredAgo: z.string().optional(),
        selfSigned: z.boolean().default(false),
      })
      .refine((b) => b.expiresIn === undefined || b.expiredAgo === undefined, {
        message: 'give expiresIn or expiredAgo, not both',
      }),
    run: (sim, b: { probe: string; expiresIn?: string; expiredAgo?: string; selfSigned: boolean }) => {
      const text = b.expiresIn ?? b.expiredAgo;
      const ms = text === undefined ? undefined : parseDuration(text);
      if (text !== undefined && ms === undefined)
        throw new Error('expiresIn/expiredAgo must be a duration such as 3d');
      return sim.tls.control.setCertificate(b.probe, {
        selfSigned: b.selfSigned,
        ...(ms !== undefined ? { notAfter: sim.clock.now() + (b.expiredAgo !== undefined ? -ms : ms) } : {}),
      });
    },
  },
  'kube/seed': {
    summary:
      'seed a cluster at scale: {cluster?, nodes, pods} (default the control-plane cluster): tainted batch nodes in their own NodePool and Running pods spread over them, generated as they are read; kept across reset; 0 and 0 removes them',
    body: z.object({
      cluster: z.string().optional(),
      nodes: z.number().int().min(0),
      pods: z.number().int().min(0),
    }),
    run: (sim, b: { cluster?: string; nodes: number; pods: number }) => {
      const cluster = b.cluster ?? sim.env.clusters.find((c) => c.role === 'control-plane')?.id ?? '';
      sim.kube.control.seedScale(cluster, { nodes: b.nodes, pods: b.pods });
      return { cluster, nodes: b.nodes, pods: b.pods };
    },
  },
  'aws/token-max-age': {
    summary: 'how long EKS tokens stay valid in seconds: {seconds}',
    body: z.object({ seconds: z.number().int().min(1) }),
    run: (sim, b: { seconds: number }) => sim.aws.control.setTokenMaxAgeSeconds(b.seconds),
  },
  'clock/advance': {
    summary: "move the simulated clock forward: {by: '3h'} or {ms}",
    body: z.object({ by: z.string().optional(), ms: z.number().int().min(0).optional() }),
    run: (sim, b: { by?: string; ms?: number }) => {
      const ms = b.ms ?? (b.by ? parseDuration(b.by) : undefined);
      if (ms === undefined) throw new Error('give {by: "3h"} or {ms}');
      sim.clock.advance(ms);
      return { now: new Date(sim.clock.now()).toISOString() };
    },
  },
  'slack/command': {
    summary:
      "act as Slack: send the bot a slash command, signed, with a fresh response_url and trigger_id: {user: role or U…, channel?: 'ops' (default) | 'other' | name | C…, text: '/ops status', retries?: 0-3 | retry?: true} → {status, body, ms, retries?} (the bot's HTTP answer; each redelivery's, sent with X-Slack-Retry-Num)",
    body: z.object({ user: z.string(), channel: z.string().optional(), text: z.string().min(1), ...retries }),
    run: (_sim, b: Omit<CommandRequest, 'retries'> & { retries?: number; retry?: boolean }, ctx) =>
      slackOf(ctx).command({ user: b.user, channel: b.channel, text: b.text, retries: retryCount(b) }),
  },
  'slack/action': {
    summary:
      "act as Slack: press a button of a message, as a signed block_actions payload: {user, ts (the message's, from messagesUrl), action_id, value? (when several buttons share the id), channel?, retries? | retry?} → {status, body, ms, retries?}",
    body: z.object({
      user: z.string(),
      ts: z.string(),
      action_id: z.string(),
      value: z.string().optional(),
      channel: z.string().optional(),
      ...retries,
    }),
    run: (_sim, b: Omit<ActionRequest, 'retries'> & { retries?: number; retry?: boolean }, ctx) =>
      slackOf(ctx).action({
        user: b.user,
        ts: b.ts,
        action_id: b.action_id,
        value: b.value,
        channel: b.channel,
        retries: retryCount(b),
      }),
  },
  reset: {
    summary:
      'back to the seeded state (faults, DNS, clusters, registries: tags and digests, Coder workspaces, clock)',
    body: z.object({}).default({}),
    run: (sim) => {
      sim.faults.reset();
      sim.cloudflare.control.reset();
      sim.kube.control.reset();
      sim.coder.control.reset();
      sim.tls.control.reset();
      sim.aws.control.reset();
      sim.resetRegistries();
      sim.ghcr.clearTraffic();
      sim.ecr.clearTraffic();
      sim.clock.reset();
    },
  },
};

/** `GET /_sandbox` lists the routes; `GET /_sandbox/snapshot` shows the simulated state; `POST` runs a route. */
export function createControlHandler(sim: Sim, ctx: ControlContext = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0]!.replace(/^\/_sandbox\/?/, '');
    if (req.method === 'GET' && path === '')
      return sendJson(
        res,
        200,
        Object.fromEntries(
          Object.entries(CONTROL_ROUTES).map(([k, r]) => [`POST /_sandbox/${k}`, r.summary]),
        ),
      );
    if (req.method === 'GET' && path === 'snapshot') return sendJson(res, 200, snapshot(sim));
    const route = CONTROL_ROUTES[path];
    if (!route) return sendJson(res, 404, { error: `no control route "${path}"; GET /_sandbox lists them` });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
    let body: unknown;
    try {
      const text = (await readBody(req)).toString();
      body = route.body.parse(text ? JSON.parse(text) : {});
    } catch (err) {
      return sendJson(res, 400, { error: `bad request body: ${(err as Error).message}` });
    }
    try {
      return sendJson(res, 200, { ok: true, result: (await route.run(sim, body as never, ctx)) ?? null });
    } catch (err) {
      return sendJson(res, 422, { ok: false, error: (err as Error).message });
    }
  };
}

function snapshot(sim: Sim) {
  return {
    now: new Date(sim.clock.now()).toISOString(),
    clusters: sim.env.clusters.map((c) => sim.kube.control.snapshot(c.id)),
    dns: Object.fromEntries(sim.env.dns.zones.map((z) => [z.name, sim.cloudflare.control.records(z.name)])),
    images: sim.images,
    certificates: sim.tls.control.certificates(),
  };
}
