import { parseDuration } from '../commands/parse-duration.js';
import { createCommandRegistry } from '../commands/registry.js';
import { type ClockFollower, followClockWithDelayedJobs } from '../sandbox/shift-delayed-jobs.js';
import type { RecordedMessage } from '../sandbox/slack/recorded-message.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { ButtonRegistry, type LiveButton } from './button-registry.js';
import { formatMessage } from './format-message.js';
import { DEMO_CHANNELS, type DemoChannel, demoChannel } from './parse-demo-args.js';
import { mrkdwnToPlain } from './render-blocks.js';

const HELP = `Type slash commands as in Slack, e.g. /ops status, /ops help, /ops notice "freeze until 18:00".
  as <role>           act as admin, operator, operator2, viewer or outsider
  in <channel>        ops, or other: a channel opsbot must refuse
  click <N>           press button N (numbers stay the same all session)
  buttons             list the buttons that can still be pressed
  advance <duration>  move the simulated clock, e.g. advance 3h: reminders, reverts and expiries
                      that fall due run now (the bot's delayed jobs follow the clock)
  messages            show every message again
  quit                stop`;

/** Slack answers these itself, before any app sees them. */
const SLACK_INVALID_COMMAND = (command: string) =>
  `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`;

/** Slack gives up on an app that has not answered a slash command or a click within 3 s. */
const SLACK_TIMEOUT_MS = 3_000;

export interface LineOutcome {
  /** `quit` was typed. */
  quit?: boolean;
  /** Why the line failed (for `--exec`'s exit status); a refusal by the bot is not a failure. */
  failed?: string;
}

export interface DemoSessionOptions {
  role?: string;
  channel?: DemoChannel;
  /** How often messages that arrive on their own (reminders, reverts, alerts) are looked for. */
  pollMs?: number;
}

/**
 * The demo shell's brain: typed lines become signed Slack requests to the bot's real endpoint
 * (through SlackDriver), and what the sandbox's Slack records is printed as it arrives.
 */
export class DemoSession {
  private role: string;
  private channel: DemoChannel;
  private seen = 0;
  private readonly buttons = new ButtonRegistry();
  private readonly commands = new Set(createCommandRegistry().map((c) => c.command));
  /** While an ack is on its way, arriving messages wait so the ack is printed first. */
  private holding = false;
  private watcher: NodeJS.Timeout | undefined;
  private readonly clock: ClockFollower | undefined;
  /** Messages reporting an internal error (the demo's exit status). */
  internalErrors = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly print: (text: string) => void,
    opts: DemoSessionOptions = {},
  ) {
    this.role = opts.role ?? 'operator';
    this.channel = opts.channel ?? 'ops';
    const deps = sandbox.bot?.deps;
    if (deps) this.clock = followClockWithDelayedJobs(sandbox.sim.clock, deps.redis, deps.prefix);
    this.watcher = setInterval(() => {
      if (!this.holding) this.flush();
    }, opts.pollMs ?? 100);
    this.watcher.unref();
  }

  get prompt(): string {
    return `${this.role}@#${this.channel === 'ops' ? 'ops' : 'random'}> `;
  }

  /** Stops watching for messages and gives the clock back; prints what arrived until now. */
  stop(): void {
    clearInterval(this.watcher);
    this.watcher = undefined;
    this.clock?.stop();
    this.flush();
  }

  /** Runs one line. */
  async run(line: string): Promise<LineOutcome> {
    const input = line.trim();
    if (!input || input.startsWith('#')) return {};
    const [word = '', ...rest] = input.split(/\s+/);
    const errorsBefore = this.internalErrors;
    let outcome: LineOutcome;
    switch (word) {
      case 'quit':
      case 'exit':
        return { quit: true };
      case 'help':
      case '?':
        this.print(HELP);
        outcome = {};
        break;
      case 'as':
        outcome = this.switchUser(rest[0] ?? '');
        break;
      case 'in':
        outcome = this.switchChannel(rest[0] ?? '');
        break;
      case 'click':
        outcome = await this.click(rest[0] ?? '');
        break;
      case 'buttons':
        this.print(this.describeButtons());
        outcome = {};
        break;
      case 'advance':
        outcome = await this.advance(rest.join(''));
        break;
      case 'messages':
        this.showAll();
        outcome = {};
        break;
      default:
        outcome = word.startsWith('/') ? await this.command(input, word) : this.unknown(word);
    }
    if (!outcome.failed && this.internalErrors > errorsBefore)
      outcome = { failed: 'the bot reported an internal error' };
    return outcome;
  }

  private unknown(word: string): LineOutcome {
    const message = `unknown shell command "${word}"; type help (slash commands start with /)`;
    this.print(message);
    return { failed: message };
  }

  private switchUser(role: string): LineOutcome {
    const users = this.sandbox.state.slack.users;
    if (!Object.hasOwn(users, role)) {
      const message = `unknown user "${role}": one of ${Object.keys(users).join(', ')}`;
      this.print(message);
      return { failed: message };
    }
    this.role = role;
    this.print(`now acting as ${role} (${users[role]})`);
    return {};
  }

  private switchChannel(name: string): LineOutcome {
    const channel = demoChannel(name);
    if (!channel) {
      const message = `unknown channel "${name}": one of ${Object.keys(DEMO_CHANNELS).join(', ')}`;
      this.print(message);
      return { failed: message };
    }
    this.channel = channel;
    return {};
  }

  private channelId(): string {
    const { slack } = this.sandbox.state;
    return this.channel === 'ops' ? slack.channelId : slack.otherChannelId;
  }

  private async command(line: string, command: string): Promise<LineOutcome> {
    // Slack itself refuses a command no installed app registered (a refusal, not a failure of the line).
    if (!this.commands.has(command)) {
      this.print(`  ┌ Slack (only you see this)\n  │ ${SLACK_INVALID_COMMAND(command)}`);
      return {};
    }
    this.holding = true;
    let outcome: LineOutcome = {};
    try {
      const ack = await this.sandbox.slack.command(this.role, line, { channel: this.channelId() });
      // Rendered as Slack shows it (escapes and mentions resolved), like every other message.
      const text = mrkdwnToPlain(ack.text || '(empty ack)', this.names()).replace(/\n/g, '\n  │ ');
      this.print(`  ┌ ack (HTTP ${ack.status}, ${ack.ms.toFixed(0)} ms, only you see this)\n  │ ${text}`);
      outcome = this.checkReply(command, ack);
    } finally {
      this.holding = false;
    }
    this.flush();
    await this.settle();
    return outcome;
  }

  private async click(arg: string): Promise<LineOutcome> {
    const n = Number(arg);
    const button = Number.isInteger(n) ? this.buttons.get(n) : undefined;
    if (!button) {
      const why = !Number.isInteger(n)
        ? `click needs a button number, not "${arg}"`
        : this.buttons.wasShown(n)
          ? `button ${n} is gone (its message was edited or deleted)`
          : `no button ${n}`;
      this.print(`${why}; ${this.describeButtons()}`);
      return { failed: why };
    }
    this.holding = true;
    let outcome: LineOutcome = {};
    try {
      const reply = await this.sandbox.slack.press(this.role, button.message, button.actionId);
      this.print(`  ┌ pressed [${button.text}] (HTTP ${reply.status}, ${reply.ms.toFixed(0)} ms)`);
      outcome = this.checkReply(`[${button.text}]`, reply);
    } finally {
      this.holding = false;
    }
    this.flush();
    await this.settle();
    return outcome;
  }

  /**
   * An error status fails the line. A late answer is shown as Slack shows it to the user but does not
   * fail the line: on a loaded machine the demo's own processes can be what is slow.
   */
  private checkReply(what: string, reply: { status: number; ms: number }): LineOutcome {
    if (reply.ms > SLACK_TIMEOUT_MS)
      this.print(
        `  ┌ Slack (only you see this)\n  │ ${what} failed with the error "operation_timeout" (the bot took ${reply.ms.toFixed(0)} ms; Slack waits 3 s)`,
      );
    if (reply.status !== 200) return { failed: `the bot answered ${what} with HTTP ${reply.status}` };
    return {};
  }

  private async advance(arg: string): Promise<LineOutcome> {
    const ms = parseDuration(arg);
    if (ms === undefined) {
      const message = `advance needs a duration, e.g. advance 90m or advance 3h (not "${arg}")`;
      this.print(message);
      return { failed: message };
    }
    this.sandbox.sim.clock.advance(ms);
    await this.clock?.caughtUp();
    this.print(
      `  (simulated clock now ${new Date(this.sandbox.sim.clock.now()).toISOString().slice(0, 16)} UTC)`,
    );
    await this.settle();
    return {};
  }

  private async settle(): Promise<void> {
    await this.sandbox.slack
      .settle(30_000)
      .catch(() => this.print('  (jobs still running; their messages will show when they arrive)'));
    this.flush();
  }

  /** Prints every message recorded since the last call, numbering new buttons. */
  private flush(): void {
    const messages = this.sandbox.slack.messages();
    for (const m of messages.slice(this.seen)) {
      const out = this.format(m);
      this.buttons.update(
        m,
        out.buttons.map(({ number, actionId, text, value }) => ({
          number,
          actionId,
          text,
          ...(value !== undefined ? { value } : {}),
        })),
      );
      if (/internal error, ref/.test(m.text)) this.internalErrors++;
      this.print(out.text);
    }
    this.seen = Math.max(this.seen, messages.length);
  }

  private showAll(): void {
    for (const m of this.sandbox.slack.messages().slice(0, this.seen)) this.print(this.format(m).text);
  }

  private format(m: RecordedMessage) {
    return formatMessage(m, this.names(), (actionId, occurrence) =>
      this.buttons.numberFor(m, actionId, occurrence),
    );
  }

  private describeButtons(): string {
    const live = this.buttons.list();
    if (!live.length) return 'no buttons to press';
    return `buttons: ${live.map((b) => `${b.number} ${b.text} (${this.whereIs(b)})`).join(', ')}`;
  }

  private whereIs(b: LiveButton): string {
    const first = mrkdwnToPlain(b.message.text.split('\n')[0] ?? '', this.names());
    return first.length > 50 ? `${first.slice(0, 49)}…` : first;
  }

  private names(): Record<string, string> {
    const { slack } = this.sandbox.state;
    const names: Record<string, string> = { [slack.channelId]: 'ops', [slack.otherChannelId]: 'random' };
    const audit = this.sandbox.sim.env.slack.auditChannel;
    if (audit) names[audit] = 'ops-audit';
    for (const [role, id] of Object.entries(slack.users)) names[id] = `@${role}`;
    return names;
  }
}
