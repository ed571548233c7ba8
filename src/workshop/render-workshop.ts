import { roundedDuration, slackTime } from '../plans/render-plan.js';
import type { Blocks } from '../ports/chat.js';
import { code } from '../slack-text/code.js';
import { STEPS, type StepState, type Workshop } from './workshop-record.js';
import { STEP_TITLES } from './workshop-timeline.js';

const ICONS: Record<StepState['status'], string> = {
  scheduled: '🕒',
  running: '⏳',
  done: '✅',
  failed: '❌',
  skipped: '➖',
};

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2_900) } });

export function workshopTitle(w: Workshop): string {
  return `Workshop ${code(w.name)} in ${w.environment}: ${w.users} users, ${slackTime(w.start)} for ${roundedDuration(w.end - w.start)}`;
}

/** One line per step: icon, when, what, and its outcome once it ran. Slack shows times in each reader's zone. */
export function timelineLines(w: Workshop): string[] {
  const next = STEPS.find((s) => w.steps[s].status === 'scheduled');
  return STEPS.map((name) => {
    const s = w.steps[name];
    const marker = name === next && w.state === 'scheduled' ? ' ← next' : '';
    const detail = s.detail ? ` — ${s.detail}` : '';
    return `${ICONS[s.status]} ${slackTime(s.at)}: ${STEP_TITLES[name]}${detail}${marker}`;
  });
}

export interface PreviewFacts {
  capacity: string[];
  rotation: string[];
  credentials: string[];
  notes: string[];
}

/** The prep message (the thread's parent): what will be scaled, what may get in the way, the timeline. */
export function renderPreview(w: Workshop, facts: PreviewFacts): { text: string; blocks: Blocks } {
  const state = w.state === 'cancelled' ? ' — *cancelled*' : w.state === 'ended' ? ' — *over*' : '';
  const head = `:mortar_board: *${workshopTitle(w)}*${state}\nPrepared by <@${w.requester}>. Every change below is a plan approved in this thread; \`/workshop status ${w.name}\` shows where it stands.`;
  const blocks: Blocks = [section(head)];
  if (facts.capacity.length) blocks.push(section(`*Capacity*\n${facts.capacity.join('\n')}`));
  if (facts.rotation.length) blocks.push(section(`*Key rotation*\n${facts.rotation.join('\n')}`));
  if (facts.credentials.length) blocks.push(section(`*Credentials*\n${facts.credentials.join('\n')}`));
  if (facts.notes.length) blocks.push(section(`*Notes*\n${facts.notes.map((n) => `⚠️ ${n}`).join('\n')}`));
  blocks.push(section(`*Timeline*\n${timelineLines(w).join('\n')}`));
  return { text: `Workshop ${w.name}: ${w.users} users, ${new Date(w.start).toISOString()}`, blocks };
}

/** `/workshop status`: the timeline with done/next/failed steps and the plans they made. */
export function renderWorkshopStatus(w: Workshop): { text: string; blocks: Blocks } {
  const plans = STEPS.flatMap((s) => w.steps[s].planIds.map((id) => `\`${id}\` (${s})`));
  const blocks: Blocks = [
    section(`:mortar_board: *${workshopTitle(w)}* — ${w.state}`),
    section(timelineLines(w).join('\n')),
  ];
  if (plans.length) blocks.push(section(`Plans: ${plans.join(', ')} (in the workshop's thread)`));
  return { text: `Workshop ${w.name}: ${w.state}`, blocks };
}

/** `/workshop list`: upcoming and recent workshops with their next step. */
export function renderWorkshopList(env: string, workshops: Workshop[]): { text: string; blocks: Blocks } {
  if (!workshops.length)
    return {
      text: `No workshops in ${env}.`,
      blocks: [section(`No workshops in ${env}. Plan one with \`/workshop prep <users> <start>\`.`)],
    };
  const lines = workshops.map((w) => {
    const next = STEPS.find((s) => w.steps[s].status === 'scheduled');
    const what =
      w.state !== 'scheduled'
        ? w.state
        : next
          ? `next: ${STEP_TITLES[next].toLowerCase()} ${slackTime(w.steps[next].at)}`
          : 'all steps ran';
    return `• ${code(w.name)}: ${w.users} users, ${slackTime(w.start)} for ${roundedDuration(w.end - w.start)} — ${what}`;
  });
  return { text: `Workshops in ${env}`, blocks: [section(`*Workshops in ${env}*\n${lines.join('\n')}`)] };
}
