import type { Redis } from 'ioredis';
import type { Chat } from '../ports/chat.js';
import type { Logger } from '../queue/logger.js';
import { silentLogger } from '../queue/logger.js';
import { AuditEntry, type AuditEntryInput, type AuditRecord } from './audit-entry.js';

export interface AuditLogOptions {
  redis: Redis;
  prefix: string;
  /** Trimmed approximately to this many entries (default 10 000). */
  maxLen?: number;
  /** Mirrors each entry as one line to this channel, best effort. */
  mirror?: { chat: Chat; channel: string };
  /** Masks known secret values in free text (the logger's redaction list) before anything is stored. */
  scrub?: (text: string) => string;
  log?: Logger;
}

/** The audit trail: a Redis stream `<prefix>:audit`, newest entries first when read. */
export class AuditLog {
  private readonly key: string;

  constructor(private readonly options: AuditLogOptions) {
    this.key = `${options.prefix}:audit`;
  }

  async append(input: AuditEntryInput): Promise<string> {
    const scrub = this.options.scrub ?? ((t: string) => t);
    const parsed = AuditEntry.parse(input);
    const entry: AuditEntry = { ...parsed, detail: scrub(parsed.detail) };
    const maxLen = this.options.maxLen ?? 10_000;
    const id = await this.options.redis.xadd(
      this.key,
      'MAXLEN',
      '~',
      maxLen,
      '*',
      'entry',
      JSON.stringify(entry),
    );
    if (this.options.mirror) await this.mirror(entry);
    return id ?? '';
  }

  async latest(n: number): Promise<AuditRecord[]> {
    const rows = await this.options.redis.xrevrange(this.key, '+', '-', 'COUNT', n);
    const records: AuditRecord[] = [];
    for (const [id, fields] of rows) {
      const raw = fields[fields.indexOf('entry') + 1];
      const parsed = raw === undefined ? undefined : AuditEntry.safeParse(JSON.parse(raw));
      if (parsed?.success) records.push({ id, ...parsed.data });
    }
    return records;
  }

  private async mirror(entry: AuditEntry): Promise<void> {
    const { chat, channel } = this.options.mirror!;
    try {
      await chat.post({ channel, text: formatAuditLine(entry) });
    } catch (err) {
      (this.options.log ?? silentLogger).warn({ err }, 'audit mirror post failed');
    }
  }
}

export function formatAuditLine(entry: AuditEntry): string {
  const where = entry.channel ? ` in <#${entry.channel}>` : '';
  const refs = [entry.planId && `plan ${entry.planId}`, entry.jobId && `job ${entry.jobId}`].filter(Boolean);
  const waiver = entry.waiver ? ` — waiver: ${entry.waiver}` : '';
  const tail = refs.length ? ` (${refs.join(', ')})` : '';
  // Scheduled actions are by `opsbot`, not a Slack user.
  const actor = /^[UW][A-Z0-9]+$/.test(entry.actor) ? `<@${entry.actor}>` : entry.actor;
  return `${entry.outcome}: ${entry.action} by ${actor}${where}: ${entry.detail}${waiver}${tail}`;
}
