import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

export interface StoredView {
  id: string;
  /** The user the view belongs to (modal opener or Home tab owner). */
  user: string;
  hash: string;
  view: Record<string, unknown>;
  /** Modals: closed by the app's answer to a submission (or `clear`); it can no longer be submitted. */
  closed?: boolean;
}

/** Modals and Home tabs, addressable by view id, external_id or (Home) user. */
export class ViewStore {
  private byId = new Map<string, StoredView>();
  private homeByUser = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: { teamId: string; appId: string; botId: string },
  ) {}

  /** Creates or replaces a view, returning it as Slack's API answers it. */
  save(input: Record<string, unknown>, user: string, existingId?: string): StoredView {
    const id = existingId ?? `V${randomBytes(5).toString('hex').toUpperCase()}`;
    const hash = `${Math.floor(this.clock.now() / 1000)}.${randomBytes(4).toString('hex')}`;
    const view: Record<string, unknown> = {
      id,
      team_id: this.ids.teamId,
      type: input.type,
      title: input.title,
      close: input.close ?? null,
      submit: input.submit ?? null,
      blocks: input.blocks,
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      previous_view_id: null,
      root_view_id: id,
      app_id: this.ids.appId,
      external_id: input.external_id ?? '',
      app_installed_team_id: this.ids.teamId,
      bot_id: this.ids.botId,
    };
    const stored = { id, user, hash, view };
    this.byId.set(id, stored);
    if (input.type === 'home') this.homeByUser.set(user, id);
    return stored;
  }

  get(id: string): StoredView | undefined {
    return this.byId.get(id);
  }

  /** The modal is gone from the user's screen (the app answered its submission with a close). */
  close(id: string): void {
    const stored = this.byId.get(id);
    if (stored) stored.closed = true;
  }

  findByExternalId(externalId: string): StoredView | undefined {
    for (const stored of this.byId.values()) if (stored.view.external_id === externalId) return stored;
    return undefined;
  }

  home(user: string): StoredView | undefined {
    const id = this.homeByUser.get(user);
    return id === undefined ? undefined : this.byId.get(id);
  }

  reset(): void {
    this.byId.clear();
    this.homeByUser.clear();
  }
}
