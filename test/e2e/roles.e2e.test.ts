import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Opsbot, startOpsbot } from '../../src/app/start-opsbot.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { SlackDriver } from '../../src/sandbox/slack-driver.js';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';

// Web and worker as separate processes would run them: two bots sharing only Redis.
let sandbox: Sandbox;
let web: Opsbot;
let worker: Opsbot;

async function startRole(role: 'web' | 'worker'): Promise<Opsbot> {
  return startOpsbot({
    config: loadConfig({ ...sandbox.botEnv, OPSBOT_ROLE: role, LOG_LEVEL: 'silent' }),
    environments: await loadInventory(sandbox.botEnv.INVENTORY_DIR!),
    clock: sandbox.sim.clock,
    awsCredentials: async () => ({
      accessKeyId: sandbox.state.aws.accessKeyId,
      secretAccessKey: sandbox.state.aws.secretAccessKey,
    }),
    host: '127.0.0.1',
  });
}

beforeAll(async () => {
  sandbox = (await startE2E({ withBot: false })).sandbox;
  web = await startRole('web');
  worker = await startRole('worker');
});
afterAll(async () => {
  await web.stop();
  await worker.stop();
  await sandbox.close();
});

describe('roles', () => {
  it('a web role enqueues and a separate worker role answers', async () => {
    const eventsUrl = `http://127.0.0.1:${web.port()}/slack/events`;
    const slack = new SlackDriver(sandbox.sim.slack, {
      ...sandbox.state,
      slack: { ...sandbox.state.slack, eventsUrl },
    });
    const ack = await slack.command('viewer', '/ops status');
    expect(ack.text).toContain('Queued `/ops status`');
    const status = await slack.waitFor(
      (m) => m.via === 'chat.postEphemeral' && m.text.startsWith('Status of ai.coder.com'),
    );
    expect(status.user).toBe(sandbox.state.slack.users.viewer);
  });

  it('the worker role serves health and its own metrics without a Slack endpoint', async () => {
    const base = `http://127.0.0.1:${worker.port()}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /opsbot_jobs_total\{name="ops.status",outcome="completed"\} 1/,
    );
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});
