import type { RecordedMessage } from '../sandbox/slack/recorded-message.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { formatMessage } from './format-message.js';
import type { RenderedButton } from './render-blocks.js';

type Button = RenderedButton & { message: RecordedMessage };

const HELP = `Type slash commands as in Slack, e.g. /ops status, /ops help, /ops notice "freeze until 18:00".
  as <role>       act as admin, operator, operator2, viewer or outsider
  in other        send the next commands from a channel opsbot must refuse (\`in ops\` to go back)
  click <N>       press button N of the messages shown
  messages        show every message again
  quit            stop`;

/**
 * The demo shell's brain: typed lines become signed Slack requests to the bot's real endpoint
 * (through SlackDriver), and what the sandbox's Slack recorded in answer is printed.
 */
export class DemoSession {
  private role: string;
  private channel: string;
  private seen = 0;
  private buttons: Button[] = [];
  /** Messages reporting an internal error (the demo's exit status). */
  internalErrors = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly print: (text: string) => void,
    role = 'operator',
  ) {
    this.role = role;
    this.channel = sandbox.state.slack.channelId;
  }

  get prompt(): string {
    return `${this.role}@${this.channel === this.sandbox.state.slack.channelId ? '#ops' : '#random'}> `;
  }

  /** Runs one line; returns false for `quit`. */
  async run(line: string): Promise<boolean> {
    const input = line.trim();
    if (!input || input.startsWith('#')) return true;
    const [word = '', ...rest] = input.split(/\s+/);
    if (word === 'quit' || word === 'exit') return false;
    if (word === 'help' || word === '?') this.print(HELP);
    else if (word === 'as') this.switchUser(rest[0] ?? '');
    else if (word === 'in')
      this.channel =
        rest[0] === 'other' ? this.sandbox.state.slack.otherChannelId : this.sandbox.state.slack.channelId;
    else if (word === 'click') await this.click(Number(rest[0]));
    else if (word === 'messages') this.showFrom(0);
    else if (word.startsWith('/')) await this.command(input);
    else this.print(`unknown input "${word}"; type help`);
    return true;
  }

  private switchUser(role: string): void {
    if (!(role in this.sandbox.state.slack.users)) {
      this.print(`unknown role "${role}"; one of ${Object.keys(this.sandbox.state.slack.users).join(', ')}`);
      return;
    }
    this.role = role;
    this.print(`now acting as ${role} (${this.sandbox.state.slack.users[role]})`);
  }

  private async command(line: string): Promise<void> {
    const ack = await this.sandbox.slack.command(this.role, line, { channel: this.channel });
    const text = (ack.text || '(empty ack)').replace(/\n/g, '\n  │ ');
    this.print(`  ┌ ack (HTTP ${ack.status}, ${ack.ms.toFixed(0)} ms, only you see this)\n  │ ${text}`);
    await this.settle();
  }

  private async click(n: number): Promise<void> {
    const button = this.buttons.find((b) => b.number === n);
    if (!button) {
      this.print(
        `no button ${n}; buttons shown: ${this.buttons.map((b) => `${b.number} ${b.text}`).join(', ') || 'none'}`,
      );
      return;
    }
    const reply = await this.sandbox.slack.press(this.role, button.message, button.actionId);
    this.print(`  ┌ pressed [${button.text}] (HTTP ${reply.status}, ${reply.ms.toFixed(0)} ms)`);
    await this.settle();
  }

  private async settle(): Promise<void> {
    await this.sandbox.slack
      .settle(30_000)
      .catch(() => this.print('  (jobs still running; showing what arrived so far)'));
    this.showFrom(this.seen);
  }

  private showFrom(from: number): void {
    const messages = this.sandbox.slack.messages();
    for (const m of messages.slice(from)) {
      const out = formatMessage(m, this.names(), (this.buttons.at(-1)?.number ?? 0) + 1);
      if (/internal error, ref/.test(m.text)) this.internalErrors++;
      this.buttons.push(...out.buttons);
      this.print(out.text);
    }
    this.seen = messages.length;
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
