import { byWorst, type CheckReport, type CheckResult, type CheckStatus } from '../../checks/check.js';
import { plural } from '../../checks/describe.js';
import { slackTime } from '../../plans/render-plan.js';
import type { Blocks } from '../../ports/chat.js';
import { code } from '../../slack-text/code.js';

export const ICON: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌', unknown: '❔' };
export const FIX_ACTION_ID = 'diagnose.fix';

/** Slack allows 3,000 characters per section; the whole message stays well under its ~13,000 block limit. */
const SECTION_MAX = 2_800;
const CHECK_BUDGET = 1_400;
const RESULTS_SHOWN = 4;
const EVIDENCE_SHOWN = 3;
/** Past this much text in the summary, further checks show one line each (the thread has the rest). */
const SUMMARY_BUDGET = 10_000;

export interface DiagnosisHead {
  env: string;
  area: string;
  requester: string;
}

const section = (text: string, accessory?: object) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.length > SECTION_MAX ? `${text.slice(0, SECTION_MAX - 1)}…` : text },
  ...(accessory ? { accessory } : {}),
});

function title(head: DiagnosisHead): string {
  return `/diagnose ${head.area} — ${code(head.env)}`;
}

/** The progress line while checks run: how many answered, and the bad news so far. */
export function renderProgress(head: DiagnosisHead, done: CheckReport[], total: number) {
  const bad = done.filter((r) => r.status !== 'ok').sort(byWorst);
  const news = bad.length ? ` — ${bad.map((r) => `${ICON[r.status]} ${r.title}`).join(', ')}` : '';
  const text = `🔎 *${title(head)}*: ${done.length}/${total} checks answered${news}`;
  return { text, blocks: [section(text)] };
}

function counts(reports: CheckReport[]): string {
  const n = (s: CheckStatus) => reports.filter((r) => r.status === s).length;
  return (['fail', 'warn', 'unknown', 'ok'] as const)
    .filter((s) => n(s) > 0)
    .map((s) => `${ICON[s]} ${n(s)}`)
    .join(' · ');
}

function resultLines(r: CheckResult, evidence: number): string[] {
  const since = r.since !== undefined ? ` (since ${slackTime(r.since)})` : '';
  return [
    `• ${ICON[r.status]} ${r.summary}${since}`,
    ...r.evidence.slice(0, evidence).map((e) => `    › ${e}`),
    ...(r.evidence.length > evidence ? [`    › … ${r.evidence.length - evidence} more in the thread`] : []),
  ];
}

/** A check's findings within a budget; `clipped` says the thread must carry the rest. */
function checkBody(report: CheckReport): { text: string; clipped: boolean } {
  const bad = report.results.filter((r) => r.status !== 'ok').sort(byWorst);
  const okCount = report.results.length - bad.length;
  const lines = [`${ICON[report.status]} *${report.title}*`];
  let clipped = bad.length > RESULTS_SHOWN || bad.some((r) => r.evidence.length > EVIDENCE_SHOWN);
  for (const r of bad.slice(0, RESULTS_SHOWN)) {
    const next = resultLines(r, EVIDENCE_SHOWN);
    if ([...lines, ...next].join('\n').length > CHECK_BUDGET) {
      clipped = true;
      lines.push(`• … ${plural(bad.length - bad.indexOf(r), 'more finding', 'more findings')} in the thread`);
      break;
    }
    lines.push(...next);
  }
  if (bad.length > RESULTS_SHOWN && !lines.at(-1)?.includes('more finding'))
    lines.push(`• … ${plural(bad.length - RESULTS_SHOWN, 'more finding', 'more findings')} in the thread`);
  if (okCount > 0) lines.push(`_${okCount} other ${okCount === 1 ? 'part' : 'parts'} fine_`);
  return { text: lines.join('\n'), clipped };
}

export interface Summary {
  text: string;
  blocks: Blocks;
  /** Full evidence for the thread, one message per entry (empty when the summary holds everything). */
  details: { text: string; blocks: Blocks }[];
}

/**
 * The diagnosis: a header with the counts, one section per check that is not green (its findings,
 * evidence and the fix button), and one line per green check. Evidence that does not fit goes to the thread.
 */
export function renderSummary(
  head: DiagnosisHead,
  reports: CheckReport[],
  fixes: ReadonlyMap<string, { id: string; label: string }>,
  ms: number,
): Summary {
  const ordered = [...reports].sort(byWorst);
  const bad = ordered.filter((r) => r.status !== 'ok');
  const good = ordered.filter((r) => r.status === 'ok');
  const headText = `🔎 *${title(head)}* (asked by <@${head.requester}>): ${counts(reports)} · ${(ms / 1000).toFixed(1)} s`;
  const blocks: Blocks = [section(headText)];
  let clipped = false;
  let used = headText.length;
  // Checks that could only say "don't know", for the same reasons (one cluster down), share one line.
  const unknownOnly = new Map<string, CheckReport[]>();
  for (const r of bad.filter((x) => x.status === 'unknown' && !fixes.has(x.id))) {
    const why = r.results
      .filter((x) => x.status === 'unknown')
      .map((x) => x.summary)
      .join('; ');
    unknownOnly.set(why, [...(unknownOnly.get(why) ?? []), r]);
  }
  const grouped = new Set([...unknownOnly.values()].filter((g) => g.length > 1).flat());
  for (const r of bad.filter((x) => !grouped.has(x))) {
    const full = checkBody(r);
    const body =
      used + full.text.length > SUMMARY_BUDGET
        ? {
            text: `${ICON[r.status]} *${r.title}* — ${r.results.filter((x) => x.status !== 'ok').length} findings, in the thread`,
            clipped: true,
          }
        : full;
    used += body.text.length;
    clipped ||= body.clipped;
    const fix = fixes.get(r.id);
    blocks.push(
      section(
        body.text,
        fix
          ? {
              type: 'button',
              action_id: FIX_ACTION_ID,
              text: { type: 'plain_text', text: fix.label.slice(0, 75) },
              value: fix.id,
              style: 'primary',
            }
          : undefined,
      ),
    );
  }
  for (const [why, group] of unknownOnly) {
    if (group.length < 2) continue;
    blocks.push(
      section(
        `${ICON.unknown} ${group.map((r) => `*${r.title}*`).join(', ')} — ${why} (${group.length} checks; the rest of each is fine)`,
      ),
    );
  }
  if (good.length) blocks.push(section(good.map((r) => `${ICON.ok} *${r.title}* — ${okLine(r)}`).join('\n')));
  if (clipped)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Full evidence in the thread.' }] });
  const fixText = bad.filter((r) => fixes.has(r.id)).map((r) => `fix offered: ${fixes.get(r.id)?.label}`);
  const text = [
    headText,
    ...bad.map(
      (r) =>
        `${ICON[r.status]} ${r.title}: ${r.results
          .filter((x) => x.status !== 'ok')
          .map((x) => x.summary)
          .join('; ')}`,
    ),
    ...good.map((r) => `${ICON.ok} ${r.title}`),
    ...fixText,
  ]
    .join('\n')
    .slice(0, 3_000);
  return { text, blocks, details: clipped ? renderDetails(bad) : [] };
}

function okLine(r: CheckReport): string {
  const line = r.results.map((x) => x.summary).join('; ');
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Sections per thread message: Slack rejects messages past ~13,000 characters of block text. */
const SECTIONS_PER_MESSAGE = 3;
/** Thread messages at most per diagnosis (Slack takes about one message a second per channel). */
const MAX_DETAIL_MESSAGES = 12;

/** Every finding with all its evidence, split into sections and messages that fit, a check at a time. */
export function renderDetails(bad: CheckReport[]): { text: string; blocks: Blocks }[] {
  const messages: { text: string; blocks: Blocks }[] = [];
  for (const report of bad) {
    const lines = [
      `${ICON[report.status]} *${report.title}* — every finding`,
      ...report.results
        .filter((r) => r.status !== 'ok')
        .sort(byWorst)
        .flatMap((r) => resultLines(r, Number.POSITIVE_INFINITY)),
    ];
    const chunks: string[] = [];
    let current = '';
    for (const line of lines) {
      const piece = line.length > SECTION_MAX ? `${line.slice(0, SECTION_MAX - 1)}…` : line;
      if (current && current.length + piece.length + 1 > SECTION_MAX) {
        chunks.push(current);
        current = '';
      }
      current = current ? `${current}\n${piece}` : piece;
    }
    if (current) chunks.push(current);
    for (let i = 0; i < chunks.length; i += SECTIONS_PER_MESSAGE)
      messages.push({
        text: `${report.title}${i ? ' (continued)' : ''}`,
        blocks: chunks.slice(i, i + SECTIONS_PER_MESSAGE).map((c) => section(c)),
      });
  }
  if (messages.length <= MAX_DETAIL_MESSAGES) return messages;
  const shown = messages.slice(0, MAX_DETAIL_MESSAGES - 1);
  const rest = `… ${messages.length - shown.length} more messages of evidence left out; narrow it down with \`/diagnose <area>\`.`;
  return [...shown, { text: rest, blocks: [section(rest)] }];
}
