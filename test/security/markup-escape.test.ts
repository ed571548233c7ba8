import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from '../../src/logging/scrub-secrets.js';
import { cleanOutgoing } from '../../src/slack/clean-outgoing.js';
import { code } from '../../src/slack-text/code.js';
import { neutralizeMarkup } from '../../src/slack-text/neutralize-markup.js';
import { untrusted } from '../../src/slack-text/untrusted.js';

const PHISH = '<!channel> <https://evil.example/login|Approve here>';
const FAKE_STATUS = 'ok\n:white_check_mark: *Approved by <@U0ADMIN>* `done` _now_ ~x~ & more';

describe('code(): an untrusted value as inline code', () => {
  it('escapes Slack control characters so nothing pings or links', () => {
    expect(code(PHISH)).toBe('`&lt;!channel&gt; &lt;https://evil.example/login|Approve here&gt;`');
  });

  it('stays one code span on one line: backticks become lookalikes, line breaks ⏎', () => {
    const shown = code(FAKE_STATUS);
    expect(shown.startsWith('`') && shown.endsWith('`')).toBe(true);
    expect(shown.slice(1, -1)).not.toMatch(/[`\n<>]/);
    expect(shown).toContain('ok ⏎ :white_check_mark:');
    expect(shown).toContain('ˋdoneˋ');
    expect(shown).toContain('&amp; more');
  });

  it('keeps the characters DNS values need exactly (inside code they format nothing)', () => {
    expect(code('v=spf1 include:_spf.google.com ~all')).toBe('`v=spf1 include:_spf.google.com ~all`');
    expect(code('')).toBe('_(empty)_');
  });
});

describe('untrusted(): untrusted prose as plain text', () => {
  it('cannot bold, italicise, strike, quote code, draw an emoji or break the line', () => {
    const shown = untrusted(FAKE_STATUS);
    expect(shown).not.toMatch(/[*_~`\n<>]/);
    expect(shown).not.toContain(':white_check_mark:');
    expect(shown).toContain('∗Approved by &lt;@U0ADMIN&gt;∗');
  });

  it('neutralises broadcasts and links', () => {
    expect(untrusted(`${PHISH} @here`)).toBe(
      '&lt;!channel&gt; &lt;https://evil.example/login|Approve here&gt; @\u2060here',
    );
  });

  it('leaves ordinary messages as they were', () => {
    const scheduler = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.';
    expect(untrusted(scheduler)).toBe(scheduler);
  });
});

describe('neutralizeMarkup(): the choke point keeps only the markup opsbot writes', () => {
  it('keeps user and channel mentions and <!date> times', () => {
    const own = 'by <@U012AB> in <#C0OPS|ops> at <!date^1764547200^{date_short_pretty} at {time}|2025-12-01>';
    expect(neutralizeMarkup(own)).toBe(own);
  });

  it('escapes broadcasts, group pings, links, dates carrying links, and stray brackets', () => {
    const foreign = `${PHISH} <!here> <!subteam^S1> <!date^1^{time}^https://evil.example|x> a < b`;
    const shown = neutralizeMarkup(foreign);
    expect(shown).not.toContain('<');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).toContain('&lt;!date^1^{time}^https://evil.example|x&gt;');
  });
});

describe('cleanOutgoing(): every outgoing message', () => {
  it('masks registered secrets anywhere and neutralises foreign markup in mrkdwn only', () => {
    const secret = ['cf', 'token', 'A1b2C3d4E5f6G7h8'].join('-');
    const scrub = createSecretScrubber([secret]);
    const out = cleanOutgoing(
      {
        text: `reason: ${secret} ${PHISH}`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `<@U1> says ${PHISH}` } },
          { type: 'header', text: { type: 'plain_text', text: `a < b ${secret}` } },
        ],
      },
      scrub,
    );
    const all = JSON.stringify(out);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil');
    expect(out.blocks?.[0]).toMatchObject({
      text: { text: expect.stringMatching(/^<@U1> says &lt;!channel&gt;/) },
    });
    expect(out.blocks?.[1]).toMatchObject({ text: { text: 'a < b [redacted]' } });
  });
});
