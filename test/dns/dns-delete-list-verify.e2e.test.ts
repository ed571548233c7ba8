import { describe, expect, it } from 'vitest';
import {
  ephemeralTo,
  planIn,
  press,
  recordsAt,
  resultIn,
  run,
  shown,
  useDnsSandbox,
  ZONE,
} from './dns-test-kit.js';

const sandbox = useDnsSandbox();

describe('/dns list', () => {
  it('shows every record with drift against the inventory marked', async () => {
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'emea-proxy.ai.coder.com', 'CNAME', {
      content: 'stray.elb.eu-west-2.amazonaws.com',
    });
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'extra.ai.coder.com', 'TXT', { content: 'hello' });
    const { ack, msgs } = await run(sandbox, 'viewer', '/dns list');
    expect(ack.text).toContain('Queued');
    const reply = ephemeralTo(sandbox, 'viewer', msgs);
    expect(reply).toContain('7 record(s) · 1 drifted');
    expect(reply).toMatch(/drift\* `emea-proxy\.ai\.coder\.com` CNAME → `stray\.elb/);
    expect(reply).toContain('inventory: `ai-coder-london-9b2d4f6a8c0e1357.elb.eu-west-2.amazonaws.com`');
    expect(reply).toContain(':white_circle: `extra.ai.coder.com` TXT → `hello`');
  });

  it('narrows to one name and lists inventory records missing from Cloudflare', async () => {
    sandbox.sim.cloudflare.control.deleteRecord(ZONE, 'oregon-proxy.ai.coder.com', 'CNAME');
    const { msgs } = await run(sandbox, 'viewer', '/dns list oregon-proxy.ai.coder.com');
    const reply = ephemeralTo(sandbox, 'viewer', msgs);
    expect(reply).toContain('0 record(s)');
    expect(reply).toContain('*missing* `oregon-proxy.ai.coder.com` CNAME');
    expect(reply).not.toContain('emea-proxy');
  });
});

describe('/dns verify', () => {
  it('reads the record through the API and the DoH resolver', async () => {
    const { msgs } = await run(sandbox, 'viewer', '/dns verify *.oregon-proxy.ai.coder.com');
    const reply = ephemeralTo(sandbox, 'viewer', msgs);
    expect(reply).toContain('the resolver agrees with Cloudflare');
    expect(reply).toContain('resolver answers ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com');
  });

  it('reports proxied names answered by the Cloudflare edge', async () => {
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'edge.ai.coder.com', 'A', {
      content: '34.117.5.9',
      proxied: true,
    });
    const { msgs } = await run(sandbox, 'viewer', '/dns verify edge.ai.coder.com');
    expect(ephemeralTo(sandbox, 'viewer', msgs)).toMatch(/Cloudflare's edge \(104\.21\./);
  });

  it('says so when the resolver is failing', async () => {
    sandbox.sim.faults.fail('doh', { status: 500, count: 10 });
    const { msgs } = await run(sandbox, 'viewer', '/dns verify ai.coder.com');
    sandbox.sim.faults.reset();
    const reply = ephemeralTo(sandbox, 'viewer', msgs);
    expect(reply).toContain('the resolver does not agree');
    expect(reply).toContain('resolver check failed');
  });
});

describe('/dns delete', () => {
  it('deletes a record after a second approval', async () => {
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'old.ai.coder.com', 'A', {
      content: '34.117.5.9',
      ttl: 120,
    });
    const { msgs } = await run(sandbox, 'operator', '/dns delete old.ai.coder.com A --reason "cleanup"');
    const plan = planIn(msgs);
    expect(shown(plan)).toContain('`34.117.5.9` (DNS only, TTL 120s)');
    expect(shown(plan)).toContain('After:* no record');
    const applied = await press(sandbox, 'operator2', plan, 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, 'old.ai.coder.com', 'A')).toEqual([]);
  });

  it("needs an admin to delete one of the inventory's records", async () => {
    const { ack, msgs } = await run(sandbox, 'operator', '/dns delete emea-proxy.ai.coder.com CNAME');
    expect(ack.text).toContain('deleting it needs the admin role'); // in the ack: the inventory decides it
    expect(msgs.some((m) => m.via === 'chat.postMessage' && m.text.startsWith('Plan'))).toBe(false);

    const byAdmin = await run(
      sandbox,
      'admin',
      '/dns delete emea-proxy.ai.coder.com CNAME --reason "decommission"',
    );
    const plan = planIn(byAdmin.msgs);
    expect(shown(plan)).toContain('different from the inventory');
    expect(recordsAt(sandbox, 'emea-proxy.ai.coder.com', 'CNAME')).toHaveLength(1);
  });

  it('says there is nothing to do for a record that does not exist', async () => {
    const { msgs } = await run(sandbox, 'operator', '/dns delete ghost.ai.coder.com A');
    expect(ephemeralTo(sandbox, 'operator', msgs)).toContain('nothing to change');
  });
});
