import type { Blocks } from '../ports/chat.js';
import { untrusted } from '../slack-text/untrusted.js';
import type { ImageStatus } from './image-status.js';
import { renderImageRow } from './render-image-row.js';

const WORKSPACE_HEAD =
  '*Workspace images the templates need* (Coder does not say which image a template pulls: the inventory’s `templates` do)';

/**
 * One section per inventory image (source, mirror, each deployment, the verdicts), the images the Coder
 * deployments run first, then the workspace images under their own heading.
 */
export function renderImageStatus(envName: string, rows: ImageStatus[]): { text: string; blocks: Blocks } {
  const services = rows.filter((r) => r.image.templates.length === 0).map(renderImageRow);
  const workspace = rows.filter((r) => r.image.templates.length > 0).map(renderImageRow);
  const sections = [...services, ...(workspace.length ? [WORKSPACE_HEAD, ...workspace] : [])];
  // Said once: without the rules, a cache cannot be told from a mirror (its rows read like any other).
  const cacheErrors = [...new Set(rows.flatMap((r) => (r.cacheError ? [r.cacheError] : [])))];
  if (cacheErrors.length)
    sections.push(`❔ ECR pull-through cache rules not read: ${cacheErrors.map(untrusted).join('; ')}`);
  const worst = rows.flatMap((r) => r.verdicts).filter((v) => v !== 'in sync');
  const head = `*Images in ${untrusted(envName)}*: ${worst.length ? [...new Set(worst)].join(', ') : 'all in sync'}`;
  const text = [head, ...sections].join('\n\n');
  return {
    text: text.slice(0, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      ...sections.map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: s.slice(0, 3000) } })),
    ],
  };
}
