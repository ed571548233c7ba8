import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  findSlackEvents,
  findSlackMethodCalls,
  IMPLICIT_SLACK_METHODS,
  MANIFEST_FILES,
  requiredBotScopes,
} from '../../scripts/slack-manifest.js';
import { createCommandRegistry } from '../../src/commands/registry.js';

const REGENERATE = 'Regenerate with: npx tsx scripts/generate-slack-manifests.ts';

// The limits Slack's manifest API enforces (see @slack/web-api's Manifest type).
const SlashCommand = z.strictObject({
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]+$/)
    .max(32),
  url: z.url({ protocol: /^https$/ }).optional(),
  description: z.string().min(1).max(2000),
  usage_hint: z.string().max(1000).optional(),
  should_escape: z.boolean().optional(),
});
const Manifest = z.strictObject({
  _metadata: z.strictObject({ major_version: z.literal(1), minor_version: z.number().int() }),
  display_information: z.strictObject({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    background_color: z.string().regex(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i),
  }),
  features: z.strictObject({
    app_home: z.strictObject({
      home_tab_enabled: z.boolean(),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean(),
    }),
    bot_user: z.strictObject({
      display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/),
      always_online: z.boolean(),
    }),
    slash_commands: z.array(SlashCommand).max(50),
  }),
  oauth_config: z.strictObject({ scopes: z.strictObject({ bot: z.array(z.string()).max(255) }) }),
  settings: z.strictObject({
    event_subscriptions: z.strictObject({
      request_url: z.url({ protocol: /^https$/ }).optional(),
      bot_events: z.array(z.string()),
    }),
    interactivity: z.strictObject({
      is_enabled: z.boolean(),
      request_url: z.url({ protocol: /^https$/ }).optional(),
    }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});
type Manifest = z.infer<typeof Manifest>;

function load(mode: 'http' | 'socket'): Manifest {
  return Manifest.parse(parse(readFileSync(MANIFEST_FILES[mode], 'utf8')));
}

const calls = [...findSlackMethodCalls('src'), ...IMPLICIT_SLACK_METHODS];
const events = findSlackEvents('src');

describe('Slack app manifest', () => {
  it('finds the Web API calls the bot makes (and not look-alike port calls)', () => {
    const methods = new Set(calls.map((c) => c.method));
    // The Chat port over WebClient and the user-group lookup behind access control.
    for (const m of ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'usergroups.users.list'])
      expect(methods).toContain(m);
    expect(methods).not.toContain('chat.post');
  });

  it.each(['http', 'socket'] as const)('%s: registers exactly the commands of the registry', (mode) => {
    const registry = createCommandRegistry().map((c) => ({
      command: c.command,
      description: c.description,
      usage_hint: c.usageHint,
    }));
    const manifest = load(mode).features.slash_commands.map((c) => ({
      command: c.command,
      description: c.description,
      usage_hint: c.usage_hint,
    }));
    expect(manifest, REGENERATE).toEqual(registry);
  });

  it.each(['http', 'socket'] as const)('%s: has every scope the code needs and no other', (mode) => {
    const manifest = load(mode);
    const needed = requiredBotScopes(calls, events);
    const granted = new Set(manifest.oauth_config.scopes.bot);
    for (const [scope, users] of needed)
      expect(
        granted.has(scope),
        `${scope} is needed by ${users.map((u) => `${u.method} (${u.file}:${u.line})`).join(', ')}. ${REGENERATE}`,
      ).toBe(true);
    // `commands` is what slash commands need; anything else would be a grant nothing uses.
    expect([...granted].sort(), REGENERATE).toEqual(['commands', ...needed.keys()].sort());
  });

  it.each(['http', 'socket'] as const)('%s: subscribes to exactly the events the code listens to', (mode) => {
    const listened = [...new Set(events.map((e) => e.method))].sort();
    expect(load(mode).settings.event_subscriptions.bot_events, REGENERATE).toEqual(listened);
  });

  it('fails loudly on a Slack method whose scope nobody has looked up', () => {
    expect(() => requiredBotScopes([{ method: 'reminders.add', file: 'src/x.ts', line: 3 }])).toThrow(
      /reminders\.add \(src\/x\.ts:3\)/,
    );
    expect(() => requiredBotScopes([], [{ method: 'reaction_added', file: 'src/y.ts', line: 1 }])).toThrow(
      /reaction_added \(src\/y\.ts:1\)/,
    );
  });

  it('enables what the code relies on: interactivity for buttons, the App Home tab', () => {
    for (const mode of ['http', 'socket'] as const) {
      const m = load(mode);
      expect(m.settings.interactivity.is_enabled).toBe(true);
      if (calls.some((c) => c.method === 'views.publish'))
        expect(m.features.app_home.home_tab_enabled).toBe(true);
    }
  });

  it('HTTP variant points every request URL at /slack/events; Socket Mode has none', () => {
    const http = load('http');
    expect(http.settings.socket_mode_enabled).toBe(false);
    const urls = [
      ...http.features.slash_commands.map((c) => c.url),
      http.settings.interactivity.request_url,
      http.settings.event_subscriptions.request_url,
    ];
    for (const url of urls) expect(url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);

    const socket = load('socket');
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.features.slash_commands.every((c) => c.url === undefined)).toBe(true);
    expect(socket.settings.interactivity.request_url).toBeUndefined();
    expect(socket.settings.event_subscriptions.request_url).toBeUndefined();
  });

  it('the two variants differ only in how Slack reaches the bot', () => {
    const strip = (m: Manifest) => ({
      ...m,
      features: { ...m.features, slash_commands: m.features.slash_commands.map(({ url: _u, ...c }) => c) },
      settings: {
        ...m.settings,
        socket_mode_enabled: null,
        interactivity: { is_enabled: m.settings.interactivity.is_enabled },
        event_subscriptions: { bot_events: m.settings.event_subscriptions.bot_events },
      },
    });
    expect(strip(load('socket'))).toEqual(strip(load('http')));
  });
});
