import { beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './start-for-test.js';
import { client, type ManualClock, TIMINGS, useWorkspaceSandbox } from './workspace-test-kit.js';

const kit = useWorkspaceSandbox();
let sb: TestSandbox;
let clock: ManualClock;
let call: ReturnType<typeof client>;
let templateId: string;

// Hooks run in the order they are registered: the kit's beforeAll has started the sandbox by now.
beforeAll(() => {
  ({ sb, clock, call, templateId } = kit);
});

const create = (name: string, extra: object = {}) =>
  call('POST', '/api/v2/organizations/default/members/me/workspaces', {
    template_id: templateId,
    name,
    ...extra,
  });
const workspace = (id: string) => call('GET', `/api/v2/workspaces/${id}`);
const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';

describe('coder sandbox: templates', () => {
  it('lists an organization’s templates and finds one by name', async () => {
    const list = await call('GET', '/api/v2/organizations/default/templates');
    expect(list.status).toBe(200);
    expect(list.body.map((t: { name: string }) => t.name).sort()).toEqual(['ai-workshop', 'kubernetes']);
    const byName = await call('GET', '/api/v2/organizations/default/templates/kubernetes');
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({
      id: templateId,
      name: 'kubernetes',
      organization_name: 'default',
      provisioner: 'terraform',
      active_version_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // The organization's id works as well as its name.
    const byOrgId = await call(
      'GET',
      `/api/v2/organizations/${byName.body.organization_id}/templates/kubernetes`,
    );
    expect(byOrgId.body.id).toBe(templateId);
  });

  it('answers 404 for unknown templates and organizations, 401 without a token', async () => {
    const notFound = { message: 'Resource not found or you do not have access to this resource' };
    expect(await call('GET', '/api/v2/organizations/default/templates/nope')).toMatchObject({
      status: 404,
      body: notFound,
    });
    expect(await call('GET', '/api/v2/organizations/acme/templates')).toMatchObject({
      status: 404,
      body: notFound,
    });
    const anon = await call('GET', '/api/v2/organizations/default/templates', undefined, null);
    expect(anon).toMatchObject({ status: 401, body: { message: SIGNED_OUT } });
  });
});

describe('coder sandbox: creating workspaces', () => {
  it('creates one with a pending start build (201) and its job in the organization’s queue', async () => {
    const res = await create('smoke-one');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'smoke-one',
      owner_name: 'opsbot',
      template_id: templateId,
      template_name: 'kubernetes',
      organization_name: 'default',
      latest_build: {
        build_number: 1,
        transition: 'start',
        status: 'pending',
        resources: [],
        job: { status: 'pending', queue_position: 1, queue_size: 1 },
        matched_provisioners: { count: 6, available: 6 },
      },
    });
    expect(res.body.latest_build.job.started_at).toBeUndefined();
    const jobs = await call('GET', '/api/v2/organizations/default/provisionerjobs?status=pending');
    expect(jobs.body).toEqual([
      expect.objectContaining({
        id: res.body.latest_build.job.id,
        type: 'workspace_build',
        input: { workspace_build_id: res.body.latest_build.id },
        metadata: expect.objectContaining({ workspace_name: 'smoke-one', template_name: 'kubernetes' }),
      }),
    ]);
  });

  it('validates the request like coderd: names, template ids, JSON', async () => {
    const nameError = (name: string) => ({
      status: 400,
      body: {
        message: 'Validation failed.',
        validations: [
          { field: 'name', detail: `Validation failed for tag "workspace_name" with value: "${name}"` },
        ],
      },
    });
    expect(await create('Bad_Name!')).toMatchObject(nameError('Bad_Name!'));
    expect(await create('x'.repeat(33))).toMatchObject(nameError('x'.repeat(33)));
    expect(await create('new')).toMatchObject(nameError('new'));
    expect(await create('-leading')).toMatchObject(nameError('-leading'));
    const noTemplate = await call('POST', '/api/v2/organizations/default/members/me/workspaces', {
      name: 'ok',
    });
    expect(noTemplate.body.validations.map((v: { field: string }) => v.field)).toEqual([
      'template_id',
      'template_version_id',
    ]);
    expect(await create('ok', { template_id: 'abc' })).toMatchObject({
      status: 400,
      body: { message: 'Request body must be valid JSON.', detail: 'invalid UUID length: 3' },
    });
    const unknown = '0b5c9f0e-0000-4000-8000-000000000000';
    expect(await create('ok', { template_id: unknown })).toMatchObject({
      status: 400,
      body: {
        message: `Template "${unknown}" doesn't exist.`,
        validations: [{ field: 'template_id', detail: 'template not found' }],
      },
    });
    const notJson = await call('POST', '/api/v2/organizations/default/members/me/workspaces', 'name=x');
    expect(notJson).toMatchObject({ status: 400, body: { message: 'Request body must be valid JSON.' } });
  });

  it('refuses a duplicate name (409), an unknown user (400), another method (405)', async () => {
    expect((await create('twice')).status).toBe(201);
    expect(await create('twice')).toMatchObject({
      status: 409,
      body: {
        message: 'Workspace "twice" already exists.',
        validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
      },
    });
    const alice = await call('POST', '/api/v2/organizations/default/members/alice/workspaces', {
      template_id: templateId,
      name: 'a',
    });
    expect(alice).toMatchObject({
      status: 400,
      body: { message: '"user" must be an existing uuid or username.' },
    });
    expect((await call('GET', '/api/v2/organizations/default/members/me/workspaces')).status).toBe(405);
    const anon = await call(
      'POST',
      '/api/v2/organizations/default/members/me/workspaces',
      { template_id: templateId, name: 'b' },
      null,
    );
    expect(anon.status).toBe(401);
  });
});

describe('coder sandbox: builds over the sandbox clock', () => {
  it('goes pending → running → succeeded, then the agent connects and becomes ready', async () => {
    const { body } = await create('progress');
    clock.advance(TIMINGS.pickupMs);
    let ws = (await workspace(body.id)).body;
    expect(ws.latest_build).toMatchObject({
      status: 'starting',
      job: { status: 'running', queue_position: 0 },
    });
    expect(ws.latest_build.job.worker_id).toMatch(/^[0-9a-f-]{36}$/);
    clock.advance(TIMINGS.startBuildMs);
    ws = (await workspace(body.id)).body;
    expect(ws.latest_build).toMatchObject({ status: 'running', job: { status: 'succeeded' } });
    const agentAt = () => ws.latest_build.resources[0].agents[0];
    expect(agentAt()).toMatchObject({ status: 'connecting', lifecycle_state: 'created' });
    clock.advance(TIMINGS.agentConnectMs);
    ws = (await workspace(body.id)).body;
    expect(agentAt()).toMatchObject({ status: 'connected', lifecycle_state: 'starting' });
    clock.advance(TIMINGS.agentStartupMs);
    ws = (await workspace(body.id)).body;
    expect(agentAt()).toMatchObject({
      status: 'connected',
      lifecycle_state: 'ready',
      health: { healthy: true },
    });
    expect(ws.health).toEqual({ healthy: true, failing_agents: [] });
  });

  it('leaves the job pending while the organization has no ready provisioner, and runs it once one is back', async () => {
    sb.facts.provisioners[0]!.ready = 0;
    const { body } = await create('stuck');
    clock.advance(10 * 60_000);
    const stuck = (await workspace(body.id)).body.latest_build;
    expect(stuck).toMatchObject({
      status: 'pending',
      job: { status: 'pending', queue_position: 1, queue_size: 1 },
      matched_provisioners: { count: 0, available: 0 },
    });
    sb.facts.provisioners[0]!.ready = 6;
    const scaledAt = clock.now();
    clock.advance(TIMINGS.pickupMs);
    const running = (await workspace(body.id)).body.latest_build.job;
    expect(running.status).toBe('running');
    expect(Date.parse(running.started_at)).toBeGreaterThanOrEqual(scaledAt);
  });

  it('queues builds behind the control API’s backlog until it drains', async () => {
    sb.control.setPendingJobs('default', 2);
    const { body } = await create('behind');
    clock.advance(60_000);
    expect((await workspace(body.id)).body.latest_build.job).toMatchObject({
      status: 'pending',
      queue_size: 3,
    });
    sb.control.setPendingJobs('default', 0);
    clock.advance(TIMINGS.pickupMs);
    expect((await workspace(body.id)).body.latest_build.job.status).toBe('running');
  });
});

describe('coder sandbox: deleting', () => {
  it('refuses a delete while a build is active, deletes once the start is done, then answers 410', async () => {
    const { body } = await create('goner');
    const del = () => call('POST', `/api/v2/workspaces/${body.id}/builds`, { transition: 'delete' });
    expect(await del()).toMatchObject({
      status: 409,
      body: { message: 'A workspace build is already active.' },
    });
    clock.advance(TIMINGS.pickupMs + TIMINGS.startBuildMs);
    const started = await del();
    expect(started).toMatchObject({
      status: 201,
      body: { transition: 'delete', build_number: 2, status: 'pending' },
    });
    clock.advance(TIMINGS.pickupMs);
    expect((await workspace(body.id)).body.latest_build.status).toBe('deleting');
    clock.advance(TIMINGS.stopBuildMs);
    expect(await workspace(body.id)).toMatchObject({
      status: 410,
      body: {
        message: `Workspace "${body.id}" was deleted, you can view this workspace by specifying '?deleted=true' and trying again.`,
      },
    });
    const kept = await call('GET', `/api/v2/workspaces/${body.id}?include_deleted=true`);
    expect(kept.body.latest_build).toMatchObject({ transition: 'delete', status: 'deleted' });
    expect((await call('GET', '/api/v2/workspaces?q=owner:me')).body).toEqual({ workspaces: [], count: 0 });
    expect(await call('POST', `/api/v2/workspaces/${body.id}/builds`, { transition: 'start' })).toMatchObject(
      {
        status: 409,
        body: { message: 'Cannot start a deleted workspace!' },
      },
    );
  });

  it('cancels a pending build and orphan-deletes at once when no provisioner could run the delete', async () => {
    sb.facts.provisioners[0]!.ready = 0;
    const { body } = await create('orphan');
    const cancel = await call(
      'PATCH',
      `/api/v2/workspacebuilds/${body.latest_build.id}/cancel?expect_status=pending`,
    );
    expect(cancel).toMatchObject({ status: 200, body: { message: 'Job has been marked as canceled...' } });
    expect((await workspace(body.id)).body.latest_build).toMatchObject({
      status: 'canceled',
      job: { status: 'canceled' },
    });
    expect((await call('PATCH', `/api/v2/workspacebuilds/${body.latest_build.id}/cancel`)).body.message).toBe(
      'Job has already completed!',
    );
    expect(
      await call('POST', `/api/v2/workspaces/${body.id}/builds`, { transition: 'start', orphan: true }),
    ).toMatchObject({
      status: 400,
      body: { message: 'Orphan is only permitted when deleting a workspace.' },
    });
    const del = await call('POST', `/api/v2/workspaces/${body.id}/builds`, {
      transition: 'delete',
      orphan: true,
    });
    expect(del).toMatchObject({ status: 201, body: { job: { status: 'succeeded' } } });
    expect((await workspace(body.id)).status).toBe(410);
  });

  it('validates build requests and workspace ids', async () => {
    const { body } = await create('checked');
    expect(
      await call('POST', `/api/v2/workspaces/${body.id}/builds`, { transition: 'explode' }),
    ).toMatchObject({
      status: 400,
      body: {
        validations: [
          { field: 'transition', detail: 'Validation failed for tag "oneof" with value: "explode"' },
        ],
      },
    });
    expect(await call('GET', '/api/v2/workspaces/not-a-uuid')).toMatchObject({
      status: 400,
      body: { message: 'Invalid UUID "not-a-uuid".', detail: 'invalid UUID length: 10' },
    });
    expect((await call('GET', '/api/v2/workspaces/6f2f1d38-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('coder sandbox: listing workspaces', () => {
  it('filters with coderd’s search syntax and counts', async () => {
    await create('alpha-1');
    await create('beta-1');
    const all = await call('GET', '/api/v2/workspaces?q=owner:me');
    expect(all.body.count).toBe(2);
    const alpha = await call('GET', `/api/v2/workspaces?q=${encodeURIComponent('owner:me name:alpha')}`);
    expect(alpha.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['alpha-1']);
    expect((await call('GET', '/api/v2/workspaces?q=template:kubernetes&limit=1')).body).toMatchObject({
      count: 2,
      workspaces: [expect.objectContaining({ template_name: 'kubernetes' })],
    });
    expect((await call('GET', '/api/v2/workspaces?q=status:running')).body.count).toBe(0);
    expect(await call('GET', '/api/v2/workspaces?q=colour:blue')).toMatchObject({
      status: 400,
      body: {
        message: 'Invalid workspace search query.',
        validations: [{ field: 'colour', detail: '"colour" is not a valid query param' }],
      },
    });
  });
});

describe('coder sandbox: injected workspace failures', () => {
  it('fails builds like Coder: job failed with the error text; only the named workspace when one is named', async () => {
    sb.control.failWorkspaces(
      { workspace: 'doomed' },
      'build',
      'Error: pods "coder-doomed" is forbidden: exceeded quota',
    );
    const doomed = (await create('doomed')).body;
    const fine = (await create('fine')).body;
    clock.advance(TIMINGS.pickupMs + TIMINGS.startBuildMs);
    expect((await workspace(doomed.id)).body.latest_build).toMatchObject({
      status: 'failed',
      job: { status: 'failed', error: 'Error: pods "coder-doomed" is forbidden: exceeded quota' },
      resources: [],
    });
    expect((await workspace(fine.id)).body.latest_build.status).toBe('running');
  });

  it('fails create (500), the agent’s startup (start_error) and delete (job failed) on the control plane', async () => {
    sb.control.failWorkspaces('coder', 'create', 'insert workspace: connection reset');
    expect(await create('nope')).toMatchObject({
      status: 500,
      body: { message: 'Internal error creating workspace.', detail: 'insert workspace: connection reset' },
    });
    sb.control.failWorkspaces('coder', null);
    sb.control.failWorkspaces('coder', 'agent');
    sb.control.failWorkspaces('coder', 'delete', 'terraform destroy: timeout');
    const { body } = await create('flaky');
    clock.advance(TIMINGS.pickupMs + TIMINGS.startBuildMs + TIMINGS.agentConnectMs + TIMINGS.agentStartupMs);
    const ws = (await workspace(body.id)).body;
    expect(ws.latest_build.resources[0].agents[0]).toMatchObject({
      lifecycle_state: 'start_error',
      health: { healthy: false, reason: 'agent startup script exited with an error' },
    });
    expect(ws.health.healthy).toBe(false);
    await call('POST', `/api/v2/workspaces/${body.id}/builds`, { transition: 'delete' });
    clock.advance(TIMINGS.pickupMs + TIMINGS.stopBuildMs);
    expect((await workspace(body.id)).body.latest_build).toMatchObject({
      transition: 'delete',
      status: 'failed',
      job: { error: 'terraform destroy: timeout' },
    });
  });

  it('refuses injections a probe could never see', () => {
    expect(() => sb.control.failWorkspaces('oregon-proxy', 'build')).toThrow(/only carries terminals/);
    expect(() => sb.control.failWorkspaces('nowhere', 'command')).toThrow(/unknown Coder probe "nowhere"/);
    expect(() => sb.control.failWorkspaces('oregon-proxy', 'command')).not.toThrow();
  });

  it('forgets workspaces and failures on reset', async () => {
    sb.control.failWorkspaces('coder', 'create');
    sb.control.reset();
    expect((await create('after-reset')).status).toBe(201);
    sb.control.reset();
    expect((await call('GET', '/api/v2/workspaces')).body.count).toBe(0);
  });
});

describe('coder sandbox: workspace proxies carry terminals only', () => {
  it('answers the REST API on a proxy with its static “Head to the Dashboard” page (400)', async () => {
    const proxy = client(sb, 'oregon-proxy');
    const res = await proxy('POST', '/api/v2/organizations/default/members/me/workspaces', {
      template_id: templateId,
      name: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toContain('Head to the Dashboard');
    expect((await call('GET', '/api/v2/workspaces')).body.count).toBe(0);
  });

  it('checks a terminal request on a proxy before refusing the missing websocket upgrade', async () => {
    const { body } = await create('term');
    clock.advance(60_000);
    const agent = (await workspace(body.id)).body.latest_build.resources[0].agents[0].id;
    const proxy = client(sb, 'emea-proxy');
    const path = `/api/v2/workspaceagents/${agent}/pty?reconnect=${crypto.randomUUID()}`;
    expect(await proxy('GET', path)).toMatchObject({
      status: 400,
      body: { message: 'Failed to accept websocket.' },
    });
    expect((await proxy('GET', path, undefined, null)).status).toBe(401);
  });
});
