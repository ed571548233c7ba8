import { describe, expect, it } from 'vitest';
import { type CheckDeps, createCheckContext } from '../../src/checks/check-context.js';
import { dnsRecordsCheck } from '../../src/checks/dns-records-check.js';
import { runChecks } from '../../src/checks/run-checks.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { renderSummary } from '../../src/jobs/diagnose/render-diagnosis.js';
import type { DnsRecordState, DnsResolution } from '../../src/ports/dns-provider.js';

const env = (await loadInventory('infra')).get('ai.coder.com')!;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const records = env.dns.zones[0]!.records;

/** Cloudflare as the inventory says, and a resolver with Cloudflare's wildcard rule (one label under `*.`). */
function deps(asked: string[], broken = new Set<string>()): CheckDeps {
  const live: DnsRecordState[] = records.map((r, i) => ({
    id: String(i),
    zone: 'ai.coder.com',
    name: r.name,
    type: r.type,
    content: r.content,
    proxied: r.proxied,
    ttl: r.ttl,
  }));
  const resolve = async (name: string, type: string): Promise<DnsResolution> => {
    asked.push(name);
    // A/AAAA: the apex is flattened by Cloudflare to its target's addresses; both answer the same here.
    if (type === 'A')
      return { status: 0, answers: [{ name: `${name}.`, type: 1, ttl: 60, data: '198.51.100.7' }] };
    if (type === 'AAAA') return { status: 0, answers: [] };
    const exact = records.find((r) => r.name === name);
    const parent = name.slice(name.indexOf('.') + 1);
    const wild = exact ? undefined : records.find((r) => r.name === `*.${parent}`);
    const r = exact ?? wild;
    if (!r || (wild && broken.has(wild.name))) return { status: 3, answers: [] };
    return { status: 0, answers: [{ name: `${name}.`, type: 5, ttl: 300, data: `${r.content}.` }] };
  };
  return {
    clusters: {} as CheckDeps['clusters'],
    probes: {} as CheckDeps['probes'],
    dns: { listRecords: async () => live, batch: async () => {} },
    resolver: { resolve },
  };
}

describe('DNS records check: wildcard names', () => {
  it('resolves a fresh random label under each wildcard, never the `*` itself', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const [a] = await runChecks([dnsRecordsCheck], createCheckContext(env, deps(first), NOW));
    await runChecks([dnsRecordsCheck], createCheckContext(env, deps(second), NOW));
    expect(a?.status).toBe('ok');
    expect(a?.results[0]?.summary).toBe('`ai.coder.com`: 6 records match the inventory and resolve');
    expect(first.some((n) => n.includes('*'))).toBe(false);
    const samples = (names: string[]) =>
      names.filter((n) => /^opsbot-[0-9a-f]{8}\.oregon-proxy\.ai\.coder\.com$/.test(n));
    expect(samples(first)).toHaveLength(1);
    expect(samples(second)).toHaveLength(1);
    expect(samples(first)[0]).not.toBe(samples(second)[0]);
  });

  it('names the wildcard when names under it do not resolve, and Slack shows its `*` literally, not as bold', async () => {
    const asked: string[] = [];
    const ctx = createCheckContext(env, deps(asked, new Set(['*.oregon-proxy.ai.coder.com'])), NOW);
    const reports = await runChecks([dnsRecordsCheck], ctx);
    const finding = reports[0]?.results.find((r) => r.status === 'fail');
    expect(finding?.subject).toBe('*.oregon-proxy.ai.coder.com');
    expect(finding?.summary).toMatch(
      /^`\*\.oregon-proxy\.ai\.coder\.com` does not resolve as the record says \(asked for `opsbot-[0-9a-f]{8}\.oregon-proxy\.ai\.coder\.com`\)$/,
    );
    const summary = renderSummary({ env: env.name, area: 'dns', requester: 'U1' }, reports, new Map(), 120);
    const section = JSON.stringify(summary.blocks);
    expect(section).toContain('`*.oregon-proxy.ai.coder.com`');
    // Outside code spans, the only asterisks are opsbot's own bold markers around titles.
    for (const text of [
      summary.text,
      ...summary.blocks.map((b) => (b as { text?: { text?: string } }).text?.text ?? ''),
    ]) {
      const outside = text.replace(/`[^`]*`/g, '');
      expect(outside.replace(/\*\/diagnose [^*]*\*|\*DNS records\*/g, '')).not.toContain('*');
    }
  });
});
