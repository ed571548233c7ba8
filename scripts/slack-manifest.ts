import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WebClient } from '@slack/web-api';
import { stringify } from 'yaml';
import type { CommandSpec } from '../src/commands/command-spec.js';

/**
 * Bot-token scopes each Slack Web API method needs (docs.slack.dev/reference/methods/<method>).
 * `[]` means the method needs no scope. A method the code calls that is missing here fails the
 * manifest test, so a new call cannot ship without someone looking its scope up.
 */
export const SLACK_METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.scheduleMessage': ['chat:write'],
  'chat.getPermalink': [],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
  'views.push': [],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'conversations.info': ['channels:read'],
  'conversations.members': ['channels:read'],
  // Ops channels may be private: both kinds of history scope.
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  // files.uploadV2 is WebClient's wrapper around the two external-upload methods.
  'files.uploadV2': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'reactions.add': ['reactions:write'],
  'pins.add': ['pins:write'],
  'team.info': ['team:read'],
};

/** Scopes each Events API event needs; subscribing to an event listed without a scope fails the test. */
export const SLACK_EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  app_home_opened: [],
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.im': ['im:history'],
};

/** Events the code listens to (`app.event('…')`), which the manifest subscribes to. */
export function findSlackEvents(srcDir: string): SlackMethodCall[] {
  const out: SlackMethodCall[] = [];
  for (const file of tsFiles(srcDir, (p) => p === join(srcDir, 'sandbox'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.event\(\s*['"`]([\w.]+)['"`]/g))
      out.push({
        method: m[1]!,
        file: relative(join(srcDir, '..'), file),
        line: text.slice(0, m.index).split('\n').length,
      });
  }
  return out;
}

/** Calls Bolt makes itself, which no `src/` line spells out. */
export const IMPLICIT_SLACK_METHODS: readonly SlackMethodCall[] = [
  { method: 'auth.test', file: '@slack/bolt', line: 0 },
];

export interface SlackMethodCall {
  method: string;
  file: string;
  line: number;
}

function tsFiles(dir: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...tsFiles(path, skip));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** True when `path` (e.g. `usergroups.users.list`) is a method of a real WebClient. */
function isWebApiMethod(client: WebClient, path: string): boolean {
  let node: unknown = client;
  for (const part of path.split('.')) {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function')) return false;
    if (!Object.hasOwn(node as object, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'function';
}

// Any dotted call chain (`this.client.chat.postMessage(`) and explicit `apiCall('chat.postMessage')`.
const CALL_CHAIN = /([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)+)\s*\(/g;
const API_CALL = /\.apiCall\(\s*['"`]([\w.]+)['"`]/g;

/**
 * Every Slack Web API method called under `srcDir` (the sandbox excluded: it implements Slack,
 * it does not call it). A chain counts when one of its suffixes is a real WebClient method, so
 * ports with look-alike names (`deps.chat.post`) are not mistaken for Slack calls.
 */
export function findSlackMethodCalls(srcDir: string): SlackMethodCall[] {
  const client = new WebClient();
  const calls: SlackMethodCall[] = [];
  const files = tsFiles(srcDir, (p) => p === join(srcDir, 'sandbox'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lineOf = (index: number) => text.slice(0, index).split('\n').length;
    const rel = relative(join(srcDir, '..'), file);
    for (const m of text.matchAll(CALL_CHAIN)) {
      const parts = m[1]!.split('.').map((p) => p.replace(/[\s?]/g, ''));
      for (const len of [3, 2]) {
        if (parts.length < len) continue;
        const path = parts.slice(-len).join('.');
        if (isWebApiMethod(client, path)) {
          calls.push({ method: path, file: rel, line: lineOf(m.index) });
          break;
        }
      }
    }
    for (const m of text.matchAll(API_CALL)) calls.push({ method: m[1]!, file: rel, line: lineOf(m.index) });
  }
  return calls;
}

/**
 * Scope → the calls (and events) that need it; throws on a method or event whose scope is not
 * in `SLACK_METHOD_SCOPES` / `SLACK_EVENT_SCOPES`.
 */
export function requiredBotScopes(
  calls: readonly SlackMethodCall[],
  events: readonly SlackMethodCall[] = [],
): Map<string, SlackMethodCall[]> {
  const byScope = new Map<string, SlackMethodCall[]>();
  const unknownEvents = events.filter((e) => !(e.method in SLACK_EVENT_SCOPES));
  if (unknownEvents.length > 0)
    throw new Error(
      `Slack events without a known scope: ${unknownEvents.map((e) => `${e.method} (${e.file}:${e.line})`).join(', ')}. ` +
        'Add them to SLACK_EVENT_SCOPES in scripts/slack-manifest.ts.',
    );
  for (const event of events)
    for (const scope of SLACK_EVENT_SCOPES[event.method] ?? [])
      byScope.set(scope, [...(byScope.get(scope) ?? []), event]);
  const unknown = calls.filter((c) => !(c.method in SLACK_METHOD_SCOPES));
  if (unknown.length > 0)
    throw new Error(
      `Slack methods without a known scope: ${unknown.map((c) => `${c.method} (${c.file}:${c.line})`).join(', ')}. ` +
        'Add them to SLACK_METHOD_SCOPES in scripts/slack-manifest.ts with the scope from the method reference.',
    );
  for (const call of calls)
    for (const scope of SLACK_METHOD_SCOPES[call.method] ?? [])
      byScope.set(scope, [...(byScope.get(scope) ?? []), call]);
  return byScope;
}

export type SlackMode = 'http' | 'socket';

/** Placeholder the installer replaces with the bot's public URL (see docs/DEPLOYING.md). */
export const REQUEST_URL = 'https://opsbot.example.com/slack/events';

/** The app manifest for one connection mode: slash commands from the registry, scopes from the code. */
export function buildManifest(
  mode: SlackMode,
  commands: readonly CommandSpec[],
  botScopes: readonly string[],
  botEvents: readonly string[],
) {
  const url = mode === 'http' ? { url: REQUEST_URL } : {};
  const requestUrl = mode === 'http' ? { request_url: REQUEST_URL } : {};
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'opsbot',
      description: 'Queued, audited, reversible ops for the Coder workshop infrastructure',
      background_color: '#1d2733',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: false, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'opsbot', always_online: true },
      slash_commands: commands.map((c) => ({
        command: c.command,
        ...url,
        description: c.description,
        usage_hint: c.usageHint,
        should_escape: false,
      })),
    },
    oauth_config: { scopes: { bot: [...botScopes].sort() } },
    settings: {
      event_subscriptions: { ...requestUrl, bot_events: [...new Set(botEvents)].sort() },
      interactivity: { is_enabled: true, ...requestUrl },
      org_deploy_enabled: false,
      socket_mode_enabled: mode === 'socket',
      token_rotation_enabled: false,
    },
  };
}

/** The manifest as YAML, with a header that justifies each scope by the code that needs it. */
export function renderManifest(
  mode: SlackMode,
  commands: readonly CommandSpec[],
  scopes: Map<string, SlackMethodCall[]>,
  events: readonly string[],
): string {
  const botScopes = ['commands', ...scopes.keys()];
  const why = [...scopes.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scope, calls]) => `#   ${scope}: ${[...new Set(calls.map((c) => c.method))].sort().join(', ')}`);
  const header = [
    `# opsbot Slack app manifest (${mode === 'http' ? 'HTTP request URLs' : 'Socket Mode'}).`,
    '# Generated by `npx tsx scripts/generate-slack-manifests.ts` from the command registry and',
    '# the Web API calls in src/; test/ship/slack-manifest.test.ts fails when it falls behind.',
    ...(mode === 'http'
      ? ['# Replace https://opsbot.example.com with the public HTTPS address of the web role.']
      : ['# Socket Mode also needs an app-level token (xapp-…) with connections:write: SLACK_APP_TOKEN.']),
    '# Bot scopes and why:',
    '#   commands: the slash commands below',
    ...why,
    '# views.* (App Home, modals), auth.test and the app_home_opened event need no scope.',
  ];
  return `${header.join('\n')}\n${stringify(buildManifest(mode, commands, botScopes, events), { lineWidth: 0 })}`;
}

export const MANIFEST_FILES: Record<SlackMode, string> = {
  http: 'slack/manifest.yaml',
  socket: 'slack/manifest.socket-mode.yaml',
};
