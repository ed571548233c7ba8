import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One scenario's tally, printed as one line by the CLI and asserted by the fast tests. */
export interface ChaosResult {
  scenario: string;
  /** HTTP requests sent to the bot (deliveries, retries and presses). */
  requests: number;
  /** Outcomes the scenario waited for (answers, plans, applies). */
  expected: number;
  /** Of those, the ones that happened exactly once. */
  observed: number;
  /** Acknowledged as done or queued, yet nothing happened and nobody was told. */
  lost: number;
  /** Happened more than once (two jobs, two plans, two answers, a change applied twice). */
  doubled: number;
  /** Still waiting, running or 'applying' when the scenario's deadline passed. */
  stuck: number;
  p99AckMs: number;
  /** Scenario-specific counts printed after the main ones (e.g. kills=20, slowAcks=0). */
  extra: Record<string, number>;
  /** Evidence for each lost / doubled / stuck item, and anything else odd; the CLI prints it on failure. */
  notes: string[];
}

export function emptyResult(scenario: string): ChaosResult {
  return {
    scenario,
    requests: 0,
    expected: 0,
    observed: 0,
    lost: 0,
    doubled: 0,
    stuck: 0,
    p99AckMs: 0,
    extra: {},
    notes: [],
  };
}

/** Extra counts that fail a run too: a user told something false, a late ack, a crash, a side effect. */
export const VIOLATIONS = [
  'untruthful',
  'lateAcks',
  'serverErrors',
  'crashes',
  'sideEffects',
  'queuedInvalid',
];

export function failed(r: ChaosResult): boolean {
  return r.lost > 0 || r.doubled > 0 || r.stuck > 0 || VIOLATIONS.some((k) => (r.extra[k] ?? 0) > 0);
}

export function formatResult(r: ChaosResult): string {
  const extra = Object.entries(r.extra)
    .map(([k, v]) => `  ${k}=${v}`)
    .join('');
  return (
    `${r.scenario.padEnd(13)} requests=${r.requests}  expected=${r.expected}  observed=${r.observed}  ` +
    `lost=${r.lost}  doubled=${r.doubled}  stuck=${r.stuck}  (p99 ack ${Math.round(r.p99AckMs)}ms)${extra}`
  );
}

export function percentile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves after `ms` (for pacing load and random kill moments, never for waiting on an outcome). */
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Runs `task(i)` for i in [0, n) at `ratePerSec`, at most `maxInFlight` at once: a load schedule, so
 * slow answers show up as latency rather than as a slower sender.
 */
export async function paced(
  n: number,
  ratePerSec: number,
  maxInFlight: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < n; i++) {
    await pause(started + (i * 1000) / ratePerSec - Date.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = task(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

/**
 * The repository's inventory with the per-user cap on pending plans lifted: a storm of plan-making
 * commands from a few sandbox users must each make its plan, not hit the cap of ten.
 */
export async function writeChaosInventory(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-chaos-inventory-'));
  await mkdir(join(dir, 'environments'));
  for (const name of ['ai.coder.com.yaml', 'coderdemo.io.yaml']) {
    const text = await readFile(join('infra/environments', name), 'utf8');
    const lifted = text.replace(
      /^(\s*)planTtlMinutes: (\d+)$/m,
      '$1planTtlMinutes: $2\n$1maxPendingPlansPerUser: 1000000',
    );
    if (name === 'ai.coder.com.yaml' && lifted === text)
      throw new Error('ai.coder.com.yaml has no `planTtlMinutes` line to add the cap after');
    await writeFile(join(dir, 'environments', name), lifted);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The job id (`as job \`…\``) an ack names, if it names one. */
export function jobIdOf(ackText: string): string | undefined {
  return /as job `([^`]+)`/.exec(ackText)?.[1];
}

/** What an ack told the user, in the categories the chaos checks care about. */
export type AckKind = 'queued' | 'duplicate' | 'maybe' | 'down' | 'refused' | 'error' | 'none';

export function ackKind(status: number, text: string): AckKind {
  if (status !== 200) return 'none';
  if (/^:hourglass_flowing_sand: Already queued/.test(text)) return 'duplicate';
  if (/^:hourglass_flowing_sand: (Queued|Planning)/.test(text)) return 'queued';
  if (/may have been queued/.test(text)) return 'maybe';
  if (/unavailable, so nothing was done/.test(text)) return 'down';
  if (/internal error/.test(text)) return 'error';
  return 'refused';
}
