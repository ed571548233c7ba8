// Regenerates slack/manifest*.yaml from the command registry and the Slack calls in src/.
// Run: npx tsx scripts/generate-slack-manifests.ts
import { writeFileSync } from 'node:fs';
import { createCommandRegistry } from '../src/commands/registry.js';
import {
  findSlackEvents,
  findSlackMethodCalls,
  IMPLICIT_SLACK_METHODS,
  MANIFEST_FILES,
  renderManifest,
  requiredBotScopes,
} from './slack-manifest.js';

const events = findSlackEvents('src');
const scopes = requiredBotScopes([...findSlackMethodCalls('src'), ...IMPLICIT_SLACK_METHODS], events);
for (const mode of ['http', 'socket'] as const) {
  writeFileSync(
    MANIFEST_FILES[mode],
    renderManifest(
      mode,
      createCommandRegistry(),
      scopes,
      events.map((e) => e.method),
    ),
  );
  console.log(`wrote ${MANIFEST_FILES[mode]}`);
}
