import { describe, expect, it } from 'vitest';
import { planIn, run, shown, useDnsSandbox } from '../dns/dns-test-kit.js';

const sandbox = useDnsSandbox();

describe('the secret scrubber guards every outgoing message', () => {
  it('a Cloudflare token pasted into --reason is posted as a mask, in the ack, the plan and the audit mirror', async () => {
    const token = sandbox.state.cloudflare.apiToken;
    const { ack, msgs } = await run(
      sandbox,
      'operator',
      `/dns update pasted.ai.coder.com TXT hello --reason "rotating ${token} now"`,
    );
    expect(ack.text).toContain('Planning');
    const plan = planIn(msgs);
    const everything = [ack.text, ...msgs.map(shown)].join('\n');
    expect(everything).not.toContain(token);
    expect(shown(plan)).toContain('rotating [redacted] now');
    expect(ack.text).toContain('[redacted]');
    // The audit mirror (another channel) repeats the command line: masked there too.
    const mirrored = msgs.filter((m) => m.channel !== sandbox.state.slack.channelId).map((m) => m.text);
    expect(mirrored.join('\n')).toContain('[redacted]');
  });
});
