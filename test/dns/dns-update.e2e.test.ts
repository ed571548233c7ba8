import { describe, expect, it } from 'vitest';
import {
  auditChannelText,
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

const sandbox = useDnsSandbox();

describe('/dns update', () => {
  it('plans, refuses the requester as approver, then applies and verifies with a second operator', async () => {
    const { ack, msgs } = await run(
      sandbox,
      'operator',
      '/dns update status.ai.coder.com A 34.117.5.9 --ttl 60 --reason "status page"',
    );
    expect(ack.text).toContain('Planning');
    const plan = planIn(msgs);
    expect(shown(plan)).toContain('Before:* no record');
    expect(shown(plan)).toContain('`34.117.5.9` (DNS only, TTL 60s)');
    expect(shown(plan)).toContain('needs approval by someone other than the requester');
    expect(recordsAt(sandbox, 'status.ai.coder.com', 'A')).toEqual([]);

    const own = await press(sandbox, 'operator', plan, 'plan.approve');
    expect(ephemeralTo(sandbox, 'operator', own)).toContain('needs a second person');
    expect(recordsAt(sandbox, 'status.ai.coder.com', 'A')).toEqual([]);

    const approved = await press(sandbox, 'operator2', plan, 'plan.approve');
    const result = resultIn(approved);
    expect(result?.text).toContain('Applied and verified');
    expect(result?.text).toContain('resolver answers 34.117.5.9');
    expect(result?.thread_ts).toBe(plan.ts);
    const live = recordsAt(sandbox, 'status.ai.coder.com', 'A');
    expect(live.map((r) => [r.content, r.ttl, r.proxied])).toEqual([['34.117.5.9', 60, false]]);
  });

  it('--incident lets a single operator apply at once, announced and audited with the waiver', async () => {
    const { ack, msgs } = await run(
      sandbox,
      'operator',
      '/dns update ai.coder.com CNAME ai-coder-dr-0a1b2c3d4e5f6a7b.elb.us-west-2.amazonaws.com --incident --reason "us-east-2 down"',
    );
    expect(ack.status).toBe(200);
    const posted = msgs.find((m) => m.via === 'chat.postMessage' && m.text.includes('Plan'));
    expect(posted).toBeDefined();
    const final = msgs.filter((m) => m.ts === posted!.ts).at(-1)!;
    expect(shown(final)).toContain('Incident mode');
    expect(shown(final)).toContain('Applied');
    expect(resultIn(msgs)?.text).toContain('Applied and verified');
    expect(recordsAt(sandbox, ZONE, 'CNAME')[0]?.content).toBe(
      'ai-coder-dr-0a1b2c3d4e5f6a7b.elb.us-west-2.amazonaws.com',
    );
    // The plan warns about the apex leaving the wildcard and the inventory behind.
    expect(shown(posted!)).toContain('*.ai.coder.com');
    expect(shown(posted!)).toContain('different from the inventory');
    expect(auditChannelText(sandbox, msgs)).toMatch(/approved: dns\.update .*waiver: incident mode/);
    const audit = await sandbox.bot!.deps.audit.latest(20);
    expect(audit.some((e) => e.action === 'dns.update' && e.outcome === 'applied' && e.waiver)).toBe(true);
  });

  it('verifies an apex CNAME by the addresses Cloudflare flattens it to', async () => {
    const target = 'ai-coder-dr-0a1b2c3d4e5f6a7b.elb.us-west-2.amazonaws.com';
    const { msgs } = await run(sandbox, 'operator', `/dns update ai.coder.com CNAME ${target}`);
    const applied = await press(sandbox, 'operator2', planIn(msgs), 'plan.approve');
    const result = resultIn(applied)?.text ?? '';
    expect(result).toContain('Applied and verified');
    // The apex answers the load balancer's own addresses (the sandbox gives it two), not the CNAME.
    expect(result).toMatch(
      /resolver answers (\d+\.){3}\d+, (\d+\.){3}\d+, the addresses of ai-coder-dr-0a1b/,
    );
  });

  it('refuses a plan whose record changed after it was made, showing the current value', async () => {
    const { msgs } = await run(
      sandbox,
      'operator',
      '/dns update oregon-proxy.ai.coder.com CNAME backup.elb.us-west-2.amazonaws.com',
    );
    const plan = planIn(msgs);
    sandbox.sim.cloudflare.control.setRecord(ZONE, 'oregon-proxy.ai.coder.com', 'CNAME', {
      content: 'someone-else.elb.us-west-2.amazonaws.com',
    });
    const after = await press(sandbox, 'operator2', plan, 'plan.approve');
    const refusal = after.find((m) => m.text.includes('was not applied'));
    expect(refusal?.text).toContain('current value');
    expect(refusal?.text).toContain('someone-else.elb.us-west-2.amazonaws.com');
    expect(recordsAt(sandbox, 'oregon-proxy.ai.coder.com', 'CNAME')[0]?.content).toBe(
      'someone-else.elb.us-west-2.amazonaws.com',
    );
  });

  it('refuses to approve an expired plan', async () => {
    const { msgs } = await run(sandbox, 'operator', '/dns update old.ai.coder.com A 34.117.5.10');
    const plan = planIn(msgs);
    sandbox.sim.clock.advance(16 * 60_000);
    const after = await press(sandbox, 'operator2', plan, 'plan.approve');
    expect(ephemeralTo(sandbox, 'operator2', after)).toContain('expired');
    expect(recordsAt(sandbox, 'old.ai.coder.com', 'A')).toEqual([]);
    expect(planIdOf(plan)).toMatch(/^p-/);
  });

  it('warns when the content is not a plausible public target', async () => {
    const { msgs } = await run(sandbox, 'operator', '/dns update internal.ai.coder.com A 10.0.0.5');
    expect(shown(planIn(msgs))).toContain('`10.0.0.5` is a private address');
  });

  it('refuses malformed input before anything is queued', async () => {
    const cases: [string, RegExp][] = [
      ['/dns update x.ai.coder.com A 1.2.3', /IPv4 address/],
      ['/dns update x.ai.coder.com A not-an-ip', /IPv4 address/],
      ['/dns update x.ai.coder.com AAAA 1.2.3.4', /IPv6 address/],
      ['/dns update x.ai.coder.com CNAME 34.117.5.9', /CNAME must point to a hostname/],
      ['/dns update x.ai.coder.com CNAME not_a_host', /CNAME needs a hostname/],
      ['/dns update www.example.org A 34.117.5.9', /outside every zone opsbot manages/],
      ['/dns update x.ai.coder.com A 34.117.5.9 --ttl 30', /between 60 and 86400/],
      ['/dns update x.ai.coder.com A 34.117.5.9 --ttl soon', /TTL must be "auto" or seconds/],
      ['/dns update x.ai.coder.com TXT hello --proxied', /cannot be proxied/],
      ['/dns update x.ai.coder.com MX mail.ai.coder.com', /must be A, AAAA, CNAME or TXT/],
      ['/dns update x.ai.coder.com A', /give <name> <type> <content>|missing arguments/],
    ];
    for (const [line, message] of cases) {
      const seq = sandbox.slack.messages().length;
      const ack = await sandbox.slack.command('operator', line);
      expect(ack.text, line).toMatch(message);
      expect(ack.text, line).toContain('Usage:');
      expect(
        sandbox.slack
          .messages()
          .slice(seq)
          .some((m) => m.text.includes('Plan')),
      ).toBe(false);
    }
  });

  it('needs the operator role', async () => {
    const ack = await sandbox.slack.command('viewer', '/dns update x.ai.coder.com A 34.117.5.9');
    expect(ack.text).toContain('needs the *operator* role');
  });
});
