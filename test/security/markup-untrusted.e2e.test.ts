import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedMessage } from '../../src/sandbox/slack/recorded-message.js';
import { planIn, run, useDnsSandbox, ZONE } from '../dns/dns-test-kit.js';
import { planFor, until } from '../scale/e2e-kit.js';

const sandbox = useDnsSandbox();

const control = async (route: string, body: unknown) => {
  const res = await fetch(`${sandbox.state.controlUrl}/${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
};

// What an attacker writes: a channel ping, a phishing link, and a fake approval on a line of its own.
const PLANTED =
  '<!channel> <https://evil.example/login|Approve here>\n:white_check_mark: *Approved by <@U0ADMIN>*';

/** Every piece of text Slack would parse as mrkdwn in a message: the fallback text and mrkdwn blocks. */
function mrkdwnOf(m: RecordedMessage): string[] {
  const out = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(m.blocks);
  return out;
}

/** Slack would render none of the planted markup: no ping, no link, no mention, no bold fake status. */
function expectInert(texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toMatch(/<!(channel|here|everyone)/);
    expect(text).not.toMatch(/<https?:/);
    expect(text).not.toContain('<@U0ADMIN>');
    // Outside code spans (where Slack formats), no bold approval and no emoji status of the attacker's.
    const formatted = text.replace(/`[^`]*`/g, '');
    expect(formatted).not.toMatch(/\*\s*(✅|:white_check_mark:)?\s*Approved/);
    expect(formatted).not.toMatch(/^\s*(✅|:white_check_mark:)[^\n]*Approved/m);
  }
}

describe('untrusted text reaches Slack escaped', () => {
  it('a TXT record set in the Cloudflare dashboard shows as inert text in the plan and in /dns list', async () => {
    await control('dns/record', { zone: ZONE, name: 'note.ai.coder.com', type: 'TXT', content: PLANTED });

    const { msgs } = await run(
      sandbox,
      'operator',
      '/dns update note.ai.coder.com TXT "site-verification=ok"',
    );
    const plan = planIn(msgs);
    expectInert(msgs.flatMap(mrkdwnOf));
    // Shown, not dropped: the approver can see what the record holds today.
    expect(mrkdwnOf(plan).join('\n')).toContain(
      '`&lt;!channel&gt; &lt;https://evil.example/login|Approve here&gt; ⏎ :white_check_mark: *Approved by &lt;@U0ADMIN&gt;*`',
    );

    const list = await run(sandbox, 'viewer', '/dns list note.ai.coder.com');
    const listed = list.msgs.filter((m) => m.via === 'chat.postEphemeral');
    expect(listed.map((m) => m.text).join('\n')).toContain('DNS');
    expectInert(listed.flatMap(mrkdwnOf));
    expect(listed.flatMap(mrkdwnOf).join('\n')).toContain('&lt;!channel&gt;');
  });

  it('a --reason with a broadcast, a link and a fake approval is echoed inert everywhere', async () => {
    const reason = '<!channel> *✅ Approved by <@U0ADMIN>* <https://evil.example/login|logs>';
    const { ack, msgs } = await run(
      sandbox,
      'operator',
      `/dns update reason.ai.coder.com TXT hello --reason "${reason}"`,
    );
    expect(ack.text).toContain('Planning');
    expect(ack.text).not.toMatch(/<!channel>|<https?:/);
    const plan = planIn(msgs);
    expectInert(mrkdwnOf(plan));
    expect(mrkdwnOf(plan).join('\n')).toContain('reason: &lt;!channel&gt; ∗✅ Approved by &lt;@U0ADMIN&gt;∗');
    // The audit channel mirror echoes the command too: no ping, no link there either.
    for (const text of msgs.flatMap(mrkdwnOf)) expect(text).not.toMatch(/<!channel>|<https?:/);
  });

  describe('Kubernetes', () => {
    afterEach(() =>
      control('pods/readiness', {
        cluster: 'us-east-2',
        namespace: 'coder',
        name: 'coder-provisioner-default',
      }),
    );

    it("a readiness probe's output quoted in a Kubernetes event comes out inert in the rollout diagnosis", async () => {
      await control('pods/readiness', {
        cluster: 'us-east-2',
        namespace: 'coder',
        name: 'coder-provisioner-default',
        output: PLANTED,
      });
      const plan = await planFor(sandbox, 'operator', '/scale provisioners 7');
      await sandbox.slack.press('operator2', plan, 'plan.approve');
      await sandbox.slack.waitFor((m) => m.thread_ts === plan.ts && m.text.includes('Rolling out'));
      const kube = sandbox.bot!.deps.clusters.client('us-east-2');
      let probed = false;
      await until(() => {
        void kube.listEvents('coder').then((events) => {
          probed = events.some((e) => e.reason === 'Unhealthy' && e.message.includes('evil.example'));
        });
        return probed;
      });
      sandbox.sim.clock.advance(6 * 60_000); // past the 5 min rollout deadline (on the shared clock)
      const diagnosis = await sandbox.slack.waitFor(
        (m) => m.thread_ts === plan.ts && m.text.includes('Rollout not finished'),
      );
      await sandbox.slack.settle();
      expect(diagnosis.text).toContain('Running, not ready — Readiness probe failed: &lt;!channel&gt;');
      const thread = sandbox.slack.messages().filter((m) => m.thread_ts === plan.ts || m.ts === plan.ts);
      expectInert(thread.flatMap(mrkdwnOf));
    });
  });
});
