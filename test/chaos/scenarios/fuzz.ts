import { requestJobId } from '../../../src/handlers/request-job-id.js';
import { postInteraction, postSlashCommand } from '../../../src/sandbox/slack/send-to-bot.js';
import { countRequests } from '../../support/request-counter.js';
import { startChaosBot } from './chaos-sandbox.js';
import { ackKind, type ChaosResult, emptyResult, jobIdOf, paced, percentile } from './kit.js';
import { between, mulberry32, pick, type Rng } from './prng.js';

export interface FuzzOptions {
  redisUrl: string;
  requests?: number;
  seed?: number;
  progress?: (line: string) => void;
}

const COMMANDS = ['/dns', '/scale', '/rotation', '/ops', '/ops', '/dns', '/scale', '/Scale', '/opsx', '/'];
const SUBCOMMANDS = [
  'list',
  'update',
  'delete',
  'verify',
  'rollback',
  'sync',
  'status',
  'pause',
  'resume',
  'reset',
  'recommend',
  'audit',
  'jobs',
  'job',
  'notice',
  'help',
  'provisioners:demo',
  'litellm',
  'all',
  'coder',
  'proxy:eu-west-2',
  'key-rotator',
  'reboot',
  'UPDATE',
  '',
];
const TOKENS = [
  'ai.coder.com',
  '*.ai.coder.com',
  'fuzz.ai.coder.com',
  'evil.example.com',
  'xn--80ak6aa92e.com',
  '..',
  '.',
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'NS',
  'cname',
  '192.0.2.1',
  '10.0.0.1',
  '::1',
  '999.1.1.1',
  '0',
  '1',
  '3',
  '-1',
  '15',
  '99999',
  '1e9',
  'NaN',
  '3.5',
  '0x10',
  '٣',
  '--for',
  '3h',
  '0s',
  '999d',
  '--until',
  '25:99',
  '18:30',
  '--reason',
  '"quoted reason"',
  '"unterminated',
  '“smart quotes”',
  "'single'",
  '--ttl',
  'auto',
  '-5',
  '--proxied',
  '--no-proxied',
  '--env',
  'coderdemo.io',
  '--force',
  '--help',
  '--',
  '---',
  '--reason=',
  '--for=1h',
  'p-deadbeef0000',
  'cmd-0',
  '<!channel>',
  '<@U0SBADMIN01>',
  '`code`',
  '*bold*',
  '🙂',
  '日本語',
  '\u202eevil',
  'zero\u200bwidth',
  'tab\there',
  'new\nline',
  '\u0000',
  'é',
  '\\',
  '%00',
  '$(env)',
  '{{env}}',
  "'; DROP TABLE plans;--",
];
const ACTION_IDS = [
  'plan.approve',
  'plan.cancel',
  'plan.undo',
  'rotation.extend',
  'rotation.resume',
  'plan.',
  'plan',
  'plan.approve.extra',
  'rotation.',
  'home.refresh',
  'x',
  '',
  'PLAN.APPROVE',
];
const ROLES = ['viewer', 'operator', 'operator2', 'admin', 'outsider'];

function token(rng: Rng): string {
  return pick(rng, TOKENS);
}

/** Commands the bot accepts, with their arguments left to chance. */
const TEMPLATES: ((rng: Rng) => string)[] = [
  (rng) => `recommend ${pick(rng, ['1', '25', '10000', '10001', '0', token(rng)])}`,
  (rng) => `list ${rng() < 0.5 ? '' : token(rng)}`,
  (rng) => `verify ${token(rng)} ${rng() < 0.5 ? 'A' : token(rng)}`,
  (rng) =>
    `${pick(rng, ['provisioners:demo', 'litellm', 'coder', 'nope'])} ${token(rng)} --reason "${token(rng)}"`,
  (rng) => `update ${token(rng)} ${pick(rng, ['A', 'CNAME', 'TXT', token(rng)])} ${token(rng)} ${token(rng)}`,
  (rng) => `pause --for ${pick(rng, ['1h', '0s', '99d', '-1h', token(rng)])}`,
  (rng) => `audit ${token(rng)}`,
  (rng) => `job ${token(rng)}`,
  (rng) => `notice ${token(rng)} ${token(rng)}`,
  () => 'status',
];

/** A random command line: a template with random arguments, or a known subcommand or junk then up to 8 tokens. */
function commandText(rng: Rng): string {
  if (rng() < 0.35) return pick(rng, TEMPLATES)(rng);
  const parts = [pick(rng, SUBCOMMANDS)];
  for (let i = between(rng, 0, 8); i > 0; i--) parts.push(token(rng));
  let text = parts.join(rng() < 0.1 ? '  ' : ' ');
  if (rng() < 0.05) text = `${text} `.repeat(Math.ceil(4096 / (text.length + 1))).slice(0, 4096);
  if (rng() < 0.03) text = String.fromCodePoint(...Array.from({ length: 64 }, () => between(rng, 1, 0x2fff)));
  return text;
}

interface Sent {
  kind: 'command' | 'action';
  what: string;
  status: number;
  ms: number;
  /** The job this request would have queued, and whether the input was one the bot must refuse. */
  jobId: string;
  mustRefuse: boolean;
  acked: string;
}

/**
 * Seeded random slash commands (unicode, quotes, flags, 4 KB lines, any subcommand) and block_actions
 * payloads (random action ids, forged plan ids, missing fields), all correctly signed, from random users.
 * Nothing may answer 5xx or crash the bot, acks stay under Slack's 3 s, invalid input queues nothing,
 * and no deployment or DNS record changes (nobody approves anything; `--incident` is not generated).
 */
export async function fuzz(opts: FuzzOptions): Promise<ChaosResult> {
  const result = emptyResult('fuzz');
  const rng = mulberry32(opts.seed ?? 1);
  const chaos = await startChaosBot(opts.redisUrl, 'fuzz', { worker: 'in-process' });
  const { sandbox, web } = chaos;
  const counter = countRequests(sandbox.sim.faults);
  const crashes: string[] = [];
  const onCrash = (err: unknown) => crashes.push(String(err));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    const { signingSecret, channelId, otherChannelId, users } = sandbox.state.slack;
    const eventsUrl = `http://127.0.0.1:${web.port()}/slack/events`;
    const clusters = sandbox.sim.env.clusters.map((c) => c.id);
    const kubeBefore = JSON.stringify(clusters.map((c) => desiredOf(sandbox, c)));
    const dnsBefore = JSON.stringify(sandbox.sim.cloudflare.control.records('ai.coder.com'));
    const sent: Sent[] = [];
    const n = opts.requests ?? 2_000;
    // Draw every request up front, so the sequence depends on the seed only (not on timing).
    const plan = Array.from({ length: n }, () => ({
      action: rng() < 0.25,
      role: pick(rng, ROLES),
      channel: rng() < 0.9 ? channelId : otherChannelId,
      command: pick(rng, COMMANDS),
      text: commandText(rng),
      actionId: pick(rng, ACTION_IDS),
      value:
        rng() < 0.7
          ? `p-${Math.floor(rng() * 2 ** 48)
              .toString(16)
              .padStart(12, '0')}`
          : pick(rng, ['', 'x'.repeat(200), 'p-🙂', '../../etc', 'p-1 2', undefined]),
      drop: pick(rng, [
        undefined,
        undefined,
        undefined,
        'channel',
        'actions',
        'user',
        'container',
        'message',
      ]),
    }));
    await paced(n, 150, 16, async (i) => {
      const r = plan[i]!;
      const fields = sandbox.sim.slack.newSlashCommand({
        command: r.command,
        text: r.text,
        userId: users[r.role]!,
        channelId: r.channel,
      });
      result.requests += 1;
      const refusedByWhere = r.channel !== channelId || r.role === 'viewer' || r.role === 'outsider';
      try {
        if (!r.action) {
          const reply = await postSlashCommand(eventsUrl, signingSecret, fields);
          const text = ackTextOf(reply.body);
          const kind = ackKind(reply.status, text);
          sent.push({
            kind: 'command',
            what: `${r.role} ${r.command} ${r.text.slice(0, 80)}`,
            status: reply.status,
            ms: reply.ms,
            jobId: jobIdOf(text) ?? requestJobId('cmd', fields.trigger_id!),
            mustRefuse: kind !== 'queued' && kind !== 'duplicate',
            acked: text.slice(0, 120),
          });
          return;
        }
        const payload = blockActions(r, fields, users[r.role]!);
        const reply = await postInteraction(eventsUrl, signingSecret, payload);
        const family = r.actionId.startsWith('rotation.') ? 'rot' : 'act';
        sent.push({
          kind: 'action',
          what: `${r.role} ${r.actionId} ${String(r.value).slice(0, 40)} drop=${r.drop ?? '-'}`,
          status: reply.status,
          ms: reply.ms,
          jobId: requestJobId(family, fields.trigger_id!),
          // Where and who the handler checks itself; the plan's own rules are the job's.
          mustRefuse: refusedByWhere || r.drop === 'channel' || !/^[\w-]{1,80}$/.test(r.value ?? ''),
          acked: reply.body.slice(0, 120),
        });
      } catch (err) {
        result.notes.push(`request ${i} failed: ${(err as Error).message}`);
        sent.push({
          kind: r.action ? 'action' : 'command',
          what: r.text.slice(0, 80),
          status: 0,
          ms: Number.NaN,
          jobId: '',
          mustRefuse: true,
          acked: '',
        });
      }
    });
    opts.progress?.(`fuzz: ${sent.length} requests sent`);
    await chaos.settle(30_000, 300);

    const healthy = await fetch(`http://127.0.0.1:${web.port()}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    let queuedInvalid = 0;
    for (const s of sent) {
      if (!s.mustRefuse || !s.jobId) continue;
      if (await web.deps.queue.jobs.get(s.jobId)) {
        queuedInvalid += 1;
        if (result.notes.length < 40) result.notes.push(`queued for refused input: ${s.what} → ${s.acked}`);
      }
    }
    for (const s of sent.filter((x) => x.status >= 500 || x.status === 0).slice(0, 10))
      result.notes.push(`HTTP ${s.status}: ${s.kind} ${s.what}`);
    const statuses = new Map<string, number>();
    for (const s of sent)
      statuses.set(`${s.kind} ${s.status}`, (statuses.get(`${s.kind} ${s.status}`) ?? 0) + 1);
    for (const k of ['command', 'action']) {
      const sample = sent.find((x) => x.kind === k && x.status >= 400 && x.status < 500);
      if (sample) result.notes.push(`e.g. ${k} ${sample.status}: ${sample.what} → ${sample.acked}`);
    }
    result.notes.push(`statuses: ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    const kubeAfter = JSON.stringify(clusters.map((c) => desiredOf(sandbox, c)));
    const dnsAfter = JSON.stringify(sandbox.sim.cloudflare.control.records('ai.coder.com'));
    const writes =
      clusters.reduce((sum, c) => sum + counter.writes(`kube:${c}`), 0) + counter.writes('cloudflare');
    const sideEffects = (kubeAfter !== kubeBefore ? 1 : 0) + (dnsAfter !== dnsBefore ? 1 : 0) + writes;
    if (sideEffects)
      result.notes.push(
        `side effects: kube changed=${kubeAfter !== kubeBefore}, dns changed=${dnsAfter !== dnsBefore}, writes=${writes}`,
      );
    for (const c of crashes.slice(0, 5)) result.notes.push(`crash: ${c.slice(0, 200)}`);
    const ms = sent.filter((s) => Number.isFinite(s.ms)).map((s) => s.ms);
    result.expected = sent.length;
    result.observed = sent.filter((s) => s.status >= 200 && s.status < 300).length;
    result.p99AckMs = percentile(ms, 0.99);
    result.extra = {
      commands: sent.filter((s) => s.kind === 'command').length,
      queued: sent.filter((s) => s.kind === 'command' && !s.mustRefuse).length,
      non2xx: sent.length - result.observed,
      serverErrors: sent.filter((s) => s.status >= 500 || s.status === 0).length,
      slowAcks: ms.filter((x) => x > 2_500).length,
      lateAcks: ms.filter((x) => x >= 3_000).length,
      crashes: crashes.length + (healthy ? 0 : 1),
      queuedInvalid,
      sideEffects,
    };
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    counter.stop();
    await chaos.close();
  }
  return result;
}

type Draw = { actionId: string; value: string | undefined; channel: string; drop: string | undefined };

/** A block_actions payload as Slack shapes it, then one field dropped at random. */
function blockActions(r: Draw, fields: Record<string, string>, userId: string): object {
  const ts = `${Math.floor(Date.now() / 1000)}.000100`;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: userId, username: 'fuzz', name: 'fuzz', team_id: fields.team_id },
    api_app_id: fields.api_app_id,
    token: fields.token,
    container: { type: 'message', message_ts: ts, channel_id: r.channel, is_ephemeral: false },
    trigger_id: fields.trigger_id,
    team: { id: fields.team_id, domain: fields.team_domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: r.channel, name: fields.channel_name },
    message: { type: 'message', ts, text: 'Plan p-000000000000: fuzz', bot_id: 'B0', blocks: [] },
    state: { values: {} },
    response_url: fields.response_url,
    actions: [
      {
        action_id: r.actionId,
        block_id: 'b0',
        type: 'button',
        action_ts: ts,
        text: { type: 'plain_text', text: 'Approve' },
        ...(r.value !== undefined ? { value: r.value } : {}),
      },
    ],
  };
  if (r.drop) delete payload[r.drop];
  return payload;
}

function desiredOf(sandbox: Awaited<ReturnType<typeof startChaosBot>>['sandbox'], cluster: string) {
  return sandbox.sim.kube.control.snapshot(cluster).deployments.map((d) => [d.namespace, d.name, d.desired]);
}

function ackTextOf(body: string): string {
  try {
    return (JSON.parse(body) as { text?: string }).text ?? body;
  } catch {
    return body;
  }
}
