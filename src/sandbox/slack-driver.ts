import type { SandboxState } from './sandbox-state.js';
import type { RecordedMessage } from './slack/recorded-message.js';
import { type BotReply, postInteraction, postSlashCommand } from './slack/send-to-bot.js';
import type { SlackSandbox, ViewAnswer, ViewValues } from './slack/start-slack-sandbox.js';

export interface Ack extends BotReply {
  /** The ack's text (Slack shows it to the caller only). */
  text: string;
}

/** The bot's answer to a modal's Submit, and what Slack made of it. */
export type ViewReply = BotReply & ViewAnswer;

/**
 * Acts as Slack users towards the bot: signed slash commands and button presses over HTTP, exactly
 * as Slack sends them. Used by the demo shell, the end-to-end tests and the benchmark.
 */
export class SlackDriver {
  constructor(
    private readonly slack: SlackSandbox,
    private readonly state: SandboxState,
    private readonly busyJobs: () => Promise<number> = async () => 0,
  ) {}

  user(role: string): string {
    const id = this.state.slack.users[role];
    if (!id) throw new Error(`no sandbox user "${role}"`);
    return id;
  }

  /** `/dns update …` as `role`, in the ops channel unless `channel` says otherwise. */
  async command(
    role: string,
    line: string,
    opts: { channel?: string; retryNum?: number; fields?: Record<string, string> } = {},
  ): Promise<Ack> {
    const command = line.trim().split(/\s+/)[0] ?? '';
    const text = line.trim().slice(command.length).trim();
    const fields =
      opts.fields ??
      this.slack.newSlashCommand({
        command,
        text,
        userId: this.user(role),
        channelId: opts.channel ?? this.state.slack.channelId,
      });
    const reply = await postSlashCommand(this.state.slack.eventsUrl, this.state.slack.signingSecret, fields, {
      ...(opts.retryNum !== undefined ? { retryNum: opts.retryNum } : {}),
    });
    return { ...reply, text: ackText(reply.body) };
  }

  /** Presses the button `actionId` (the one with `value`, when several share the id) of a message as `role`. */
  async press(role: string, message: RecordedMessage, actionId: string, value?: string): Promise<BotReply> {
    const payload = this.slack.newBlockActions({
      message,
      actionId,
      userId: this.user(role),
      ...(value !== undefined ? { value, pick: 'value' } : {}),
    });
    return postInteraction(this.state.slack.eventsUrl, this.state.slack.signingSecret, payload);
  }

  /**
   * Presses Submit on a modal the bot opened for `role` (its views.open message, or its view id) with
   * `values` by block_id (text, an option's value; untouched fields keep their initial value), signed
   * and posted as Slack does; then applies the answer (closes the modal, or keeps it with errors).
   * Throws where Slack's client would not send (a required field empty, a number out of bounds) unless
   * `unchecked`; `privateMetadata` replaces the view's, as a forged request would.
   */
  async submitView(
    role: string,
    view: RecordedMessage | string,
    values: ViewValues,
    opts: { privateMetadata?: string; unchecked?: boolean } = {},
  ): Promise<ViewReply> {
    const viewId = typeof view === 'string' ? view : String(view.view?.id ?? '');
    const payload = this.slack.newViewSubmission({
      viewId,
      userId: this.user(role),
      values,
      ...(opts.privateMetadata !== undefined ? { privateMetadata: opts.privateMetadata } : {}),
      ...(opts.unchecked ? { unchecked: true } : {}),
    });
    const reply = await postInteraction(this.state.slack.eventsUrl, this.state.slack.signingSecret, payload);
    return { ...reply, ...this.slack.viewAnswered(viewId, reply) };
  }

  /** The latest modal the bot opened for `role` (views.open happens before the command's ack). */
  lastModal(role: string): RecordedMessage | undefined {
    const user = this.user(role);
    return this.slack
      .messages()
      .filter((m) => m.via === 'views.open' && m.user === user)
      .at(-1);
  }

  messages(): RecordedMessage[] {
    return this.slack.messages();
  }

  /** Resolves when no job is running or waiting and Slack has been quiet for `quietMs`. */
  async settle(timeoutMs = 20_000, quietMs = 200): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      const count = this.slack.messages().length;
      if (count !== last || (await this.busyJobs()) > 0) {
        last = count;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
      await new Promise((r) => setTimeout(r, 40));
    }
    throw new Error(`jobs did not settle within ${timeoutMs} ms`);
  }

  waitFor(pred: (m: RecordedMessage) => boolean, timeoutMs = 15_000): Promise<RecordedMessage> {
    return this.slack.waitFor(pred, timeoutMs);
  }
}

function ackText(body: string): string {
  if (!body) return '';
  try {
    return (JSON.parse(body) as { text?: string }).text ?? body;
  } catch {
    return body;
  }
}
