import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/start-sandbox.js';
import { startE2E } from '../support/start-e2e.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = (await startE2E({ slackMode: 'socket' })).sandbox;
  // Bolt connects in the background once started; wait for Slack to see the WebSocket.
  for (let i = 0; i < 100 && sandbox.sim.slack.socketMode.connections() === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await sandbox.close();
});

function statusCommand(role: string) {
  return sandbox.sim.slack.newSlashCommand({
    command: '/ops',
    text: 'status',
    userId: sandbox.state.slack.users[role]!,
    channelId: sandbox.state.slack.channelId,
  });
}

const statusesFor = (role: string) =>
  sandbox.slack
    .messages()
    .filter(
      (m) =>
        m.via === 'chat.postEphemeral' &&
        m.user === sandbox.state.slack.users[role] &&
        m.text.startsWith('Status of'),
    );

describe('Socket Mode', () => {
  it('runs /ops status over the WebSocket: acked with the job id, answered through the Web API', async () => {
    expect(sandbox.sim.slack.socketMode.connections()).toBe(1);
    const result = await sandbox.sim.slack.socketMode.dispatch('slash_commands', statusCommand('viewer'));
    expect(result.acked).toBe(true);
    expect(JSON.stringify(result.response)).toContain('Queued `/ops status` as job');
    await sandbox.slack.settle();
    expect(statusesFor('viewer')).toHaveLength(1);
  });

  it('loses no command across a forced reconnect', async () => {
    sandbox.sim.slack.socketMode.forceReconnect();
    // Sent while the old socket is going away: Slack holds it until the new connection says hello.
    const result = await sandbox.sim.slack.socketMode.dispatch('slash_commands', statusCommand('operator'));
    expect(result.acked).toBe(true);
    await sandbox.slack.settle();
    expect(statusesFor('operator')).toHaveLength(1);
    expect(sandbox.sim.slack.socketMode.connections()).toBe(1);
  });
});
