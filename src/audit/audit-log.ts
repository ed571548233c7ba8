import type { Redis } from 'ioredis';
import type { Chat } from '../ports/chat.js';
import type { Logger } from '../queue/logger.js';
import { AuditEntry, type AuditEntryInput, type AuditRecord } from './audit-entry.js';
import { AuditMirror, type AuditMirrorOptions } from './audit-mirror.js';

export interface AuditLogOptions {
  redis: Redis;
  prefix: string;
  /**
   * Entries older than this are trimmed (default 90 days). The stream is never capped by count, so
   * no burst of entries can push real actions out of the trail.
   */
  retentionMs?: number;
  /**
   * Mirrors entries to a channel, paced and batched, without making append() wait. `when` picks
   * the entries (default {@link isMirroredByDefault}).
   */
  mirror?: {
    chat: Pick<Chat, 'post'>;
    channel: string;
    when?: (entry: AuditEntry) => boolean;
  } & Pick<AuditMirrorOptions, 'burst' | 'intervalMs' | 'maxChars'>;
  /** Masks known secret values in free text (the logger's redaction list) before anything is stored. */
  scrub?: (text: string) => string;
  log?: Logger;
}

export const DEFAULT_AUDIT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

// Marker and entry in one step: a crash can lose neither half alone.
const APPEND_ONCE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[3]) == false then return false end
return redis.call('XADD', KEYS[2], 'MINID', ARGV[1], '*', 'entry', ARGV[2])
`;
/** How long an `once` key is remembered (longer than any job is retried). */
const ONCE_KEEP_MS = 7 * 24 * 3600_000;

/**
 * What the audit channel shows: changes, refusals and failures. Reads (`allowed`), repeats
 * (`duplicate`) and queued commands (`requested`) stay out, except a `requested` that proposes a
 * change (it carries a plan id): a channel that echoes every /ops status is a channel nobody reads.
 */
export function isMirroredByDefault(entry: AuditEntry): boolean {
  if (entry.outcome === 'allowed' || entry.outcome === 'duplicate') return false;
  if (entry.outcome === 'requested') return entry.planId !== undefined;
  return true;
}

/** The audit trail: a Redis stream `<prefix>:audit`, newest entries first when read. */
export class AuditLog {
  private readonly key: string;
  private readonly mirror: AuditMirror | undefined;

  constructor(private readonly options: AuditLogOptions) {
    this.key = `${options.prefix}:audit`;
    const m = options.mirror;
    this.mirror = m
      ? new AuditMirror({
          chat: m.chat,
          channel: m.channel,
          ...(m.burst !== undefined ? { burst: m.burst } : {}),
          ...(m.intervalMs !== undefined ? { intervalMs: m.intervalMs } : {}),
          ...(m.maxChars !== undefined ? { maxChars: m.maxChars } : {}),
          ...(options.log ? { log: options.log } : {}),
        })
      : undefined;
  }

  /**
   * Stores the entry; the mirror to Slack follows in the background. With `once`, an entry with that key
   * is stored at most once (a job re-run after a crash does not audit its outcome twice).
   */
  async append(input: AuditEntryInput, options: { once?: string } = {}): Promise<string> {
    const scrub = this.options.scrub ?? ((t: string) => t);
    const parsed = AuditEntry.parse(input);
    const entry: AuditEntry = { ...parsed, detail: scrub(parsed.detail) };
    // Stream ids are Redis's wall-clock milliseconds, so the age cut-off is one too.
    const oldest = String(Math.max(0, Date.now() - (this.options.retentionMs ?? DEFAULT_AUDIT_RETENTION_MS)));
    const json = JSON.stringify(entry);
    const id = options.once
      ? ((await this.options.redis.eval(
          APPEND_ONCE,
          2,
          `${this.key}:once:${options.once}`,
          this.key,
          oldest,
          json,
          String(ONCE_KEEP_MS),
        )) as string | null)
      : await this.options.redis.xadd(this.key, 'MINID', oldest, '*', 'entry', json);
    if (id === null && options.once) return '';
    const when = this.options.mirror?.when ?? isMirroredByDefault;
    if (this.mirror && when(entry)) this.mirror.push(formatAuditLine(entry));
    return id ?? '';
  }

  async latest(n: number): Promise<AuditRecord[]> {
    return this.latestMatching(n, () => true);
  }

  /**
   * The newest `n` entries `matches` accepts, read page by page. The stream is only trimmed by age,
   * so the walk stops after `scanLimit` entries rather than reading months of history.
   */
  async latestMatching(
    n: number,
    matches: (entry: AuditRecord) => boolean,
    scanLimit = 10_000,
  ): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let end = '+';
    let scanned = 0;
    while (records.length < n && scanned < scanLimit) {
      const page = Math.min(Math.max(n, 100), scanLimit - scanned);
      const rows = await this.options.redis.xrevrange(this.key, end, '-', 'COUNT', page);
      for (const [id, fields] of rows) {
        const raw = fields[fields.indexOf('entry') + 1];
        const parsed = raw === undefined ? undefined : AuditEntry.safeParse(JSON.parse(raw));
        const record = parsed?.success ? { id, ...parsed.data } : undefined;
        if (record && matches(record) && records.length < n) records.push(record);
      }
      scanned += rows.length;
      if (rows.length < page) break;
      end = `(${rows.at(-1)![0]}`;
    }
    return records;
  }

  /** Audit lines still waiting to be posted to the mirror channel. */
  mirrorBacklog(): number {
    return this.mirror?.backlog() ?? 0;
  }

  /** Gives the mirror up to `timeoutMs` to post what is queued, then stops it. */
  async close(timeoutMs = 5000): Promise<void> {
    await this.mirror?.close(timeoutMs);
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
