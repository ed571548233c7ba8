import { describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import {
  ephemeralTo,
  planIdOf,
  planIn,
  press,
  recordsAt,
  resultIn,
  run,
  shown,
  useDnsSandbox,
  ZONE,
} from './dns-test-kit.js';

const OREGON = 'ai-coder-oregon-4c8e2a6b1d3f5e79.elb.us-west-2.amazonaws.com';
const LONDON = 'ai-coder-london-9b2d4f6a8c0e1357.elb.eu-west-2.amazonaws.com';

const sandbox = useDnsSandbox();

describe('/dns sync', () => {
  it('says so when nothing drifted', async () => {
    const { msgs } = await run(sandbox, 'operator', '/dns sync');
    expect(ephemeralTo(sandbox, 'operator', msgs)).toContain('All 6 inventory records of ai.coder.com match');
  });

  it('plans the drifted record back to the inventory and applies it', async () => {
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'stray.elb.us-west-2.amazonaws.com',
      ttl: 60,
    });
    const { msgs } = await run(sandbox, 'operator', '/dns sync');
    const plan = planIn(msgs);
    expect(plan.text).toContain('sync 1 drifted record set(s)');
    expect(shown(plan)).toContain('`stray.elb.us-west-2.amazonaws.com` (DNS only, TTL 60s)');
    const applied = await press(sandbox, 'operator2', plan, 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME').map((r) => [r.content, r.ttl])).toEqual([
      [OREGON, 300],
    ]);
  });

  it('refuses a plan touching more than 30% of the managed records unless an admin forces it', async () => {
    sandbox.sim.cloudflare.control.deleteRecord(ZONE, 'emea-proxy.ai.coder.com', 'CNAME');
    sandbox.sim.cloudflare.control.deleteRecord(ZONE, '*.emea-proxy.ai.coder.com', 'CNAME');
    const refused = await run(sandbox, 'operator', '/dns sync');
    expect(ephemeralTo(sandbox, 'operator', refused.msgs)).toContain(
      'changes 2 of 6 managed records of ai.coder.com (33%)',
    );

    // Refused in the ack itself: the arguments and the role decide it.
    const notAdmin = await run(sandbox, 'operator', '/dns sync --force');
    expect(notAdmin.ack.text).toContain('--force needs the admin role');

    const forced = await run(sandbox, 'admin', '/dns sync --force --reason "restore London"');
    const plan = planIn(forced.msgs);
    expect(shown(plan)).toContain('one Cloudflare batch');
    const applied = await press(sandbox, 'operator', plan, 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    for (const name of ['emea-proxy.ai.coder.com', '*.emea-proxy.ai.coder.com'])
      expect(recordsAt(sandbox, name, 'CNAME').map((r) => r.content)).toEqual([LONDON]);
  });
});

describe('/dns rollback', () => {
  it('restores the records a change touched, as a plan in its thread', async () => {
    const update = await run(
      sandbox,
      'operator',
      '/dns update oregon-proxy.ai.coder.com CNAME dr.elb.us-west-2.amazonaws.com --incident',
    );
    const original = update.msgs.find((m) => m.via === 'chat.postMessage' && m.text.startsWith('Plan'))!;
    const planId = planIdOf(original);
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')[0]?.content).toBe(
      'dr.elb.us-west-2.amazonaws.com',
    );

    const { msgs } = await run(sandbox, 'operator', `/dns rollback ${planId}`);
    expect(ephemeralTo(sandbox, 'operator', msgs)).toContain(`Planning the rollback of \`${planId}\``);
    const plan = planIn(msgs);
    expect(plan.thread_ts).toBe(original.ts);
    expect(plan.text).toContain(`Revert of plan \`${planId}\``);
    expect(shown(plan)).toContain(`After:* \`${OREGON}\``);
    const applied = await press(sandbox, 'operator2', plan, 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')[0]?.content).toBe(OREGON);

    const again = await run(sandbox, 'operator', `/dns rollback ${planId}`);
    expect(ephemeralTo(sandbox, 'operator', again.msgs)).toContain('already rolled back');
  });

  it('refuses unknown plans and plans that were not applied', async () => {
    const unknown = await run(sandbox, 'operator', '/dns rollback p-000000000000');
    expect(ephemeralTo(sandbox, 'operator', unknown.msgs)).toContain('There is no plan p-000000000000');
    const pending = await run(sandbox, 'operator', '/dns update pending.ai.coder.com A 34.117.5.9');
    const id = planIdOf(planIn(pending.msgs));
    const refused = await run(sandbox, 'operator', `/dns rollback ${id}`);
    expect(ephemeralTo(sandbox, 'operator', refused.msgs)).toContain('is pending; only an applied change');
  });
});

describe('undoing a change only an admin may make', () => {
  const EMEA = ['emea-proxy.ai.coder.com', '*.emea-proxy.ai.coder.com'];
  const emeaRecords = () => EMEA.flatMap((name) => recordsAt(sandbox, name, 'CNAME'));
  const plansIn = (msgs: RecordedMessage[]) => msgs.filter((m) => m.text.startsWith('Plan'));

  /** Two of six inventory records restored at once: more than the 30% share, so it needs an admin's --force. */
  async function forcedSync() {
    for (const name of EMEA) sandbox.sim.cloudflare.control.deleteRecord(ZONE, name, 'CNAME');
    const forced = await run(sandbox, 'admin', '/dns sync --force');
    const plan = planIn(forced.msgs);
    const result = resultIn(await press(sandbox, 'operator', plan, 'plan.approve'));
    expect(emeaRecords().map((r) => r.content)).toEqual([LONDON, LONDON]);
    return { planId: planIdOf(plan), result: result! };
  }

  it('Undo of a forced sync pressed by an admin is planned and, once approved, applied', async () => {
    const { result } = await forcedSync();
    const plan = planIn(await press(sandbox, 'admin', result, 'plan.undo'));
    expect(plan.text).toContain('Revert of plan');
    const applied = await press(sandbox, 'operator', plan, 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(emeaRecords()).toEqual([]);
  });

  it('Undo of a forced sync pressed by an operator is refused, naming the admin role', async () => {
    const { result } = await forcedSync();
    const msgs = await press(sandbox, 'operator', result, 'plan.undo');
    expect(ephemeralTo(sandbox, 'operator', msgs)).toContain('undoing it needs the admin role');
    expect(plansIn(msgs)).toEqual([]);
    expect(emeaRecords()).toHaveLength(2);
  });

  it('/dns rollback of a forced sync is refused for an operator and applied for an admin', async () => {
    const { planId } = await forcedSync();
    const refused = await run(sandbox, 'operator', `/dns rollback ${planId}`);
    expect(ephemeralTo(sandbox, 'operator', refused.msgs)).toContain('undoing it needs the admin role');
    expect(plansIn(refused.msgs)).toEqual([]);

    const byAdmin = await run(sandbox, 'admin', `/dns rollback ${planId}`);
    const applied = await press(sandbox, 'operator', planIn(byAdmin.msgs), 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(emeaRecords()).toEqual([]);
  });

  it('rolling back a sync that re-created an inventory record needs an admin, who may do it', async () => {
    sandbox.sim.cloudflare.control.deleteRecord(ZONE, 'oregon-proxy.ai.coder.com', 'CNAME');
    const sync = await run(sandbox, 'operator', '/dns sync');
    const plan = planIn(sync.msgs);
    const result = resultIn(await press(sandbox, 'operator2', plan, 'plan.approve'))!;
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')).toHaveLength(1);

    const undo = await press(sandbox, 'operator', result, 'plan.undo');
    expect(ephemeralTo(sandbox, 'operator', undo)).toContain(
      "`oregon-proxy.ai.coder.com` CNAME is one of the inventory's records; this undo deletes it, which needs the admin role",
    );
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')).toHaveLength(1);

    const byAdmin = await run(sandbox, 'admin', `/dns rollback ${planIdOf(plan)}`);
    const applied = await press(sandbox, 'operator', planIn(byAdmin.msgs), 'plan.approve');
    expect(resultIn(applied)?.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')).toEqual([]);
  });
});
