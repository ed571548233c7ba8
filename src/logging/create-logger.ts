import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { redactKeys } from './redact-keys.js';
import { createSecretScrubber } from './scrub-secrets.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: Level | 'silent';
  /** Values that must never reach the output (tokens, signing secrets, passwords). */
  secrets: readonly string[];
  /** Where JSON lines go; stdout when omitted. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

type FlushableStream = DestinationStream & { flush?: (cb?: (err?: Error) => void) => void };

/**
 * Scrubs each finished JSON line before it leaves the process. Working on the serialized line means
 * the message, bindings, nested objects and error messages and stacks are all covered by one pass.
 */
function scrubbingStream(target: FlushableStream, scrub: (text: string) => string): FlushableStream {
  const stream: FlushableStream = { write: (line: string) => target.write(scrub(line)) };
  const flush = target.flush?.bind(target);
  if (flush) stream.flush = (cb) => flush(cb);
  return stream;
}

/** The bot's logger: JSON lines, secrets replaced by `[redacted]` wherever they appear. */
export function createLogger(opts: LoggerOptions): Logger {
  const target: FlushableStream = opts.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: opts.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Field-name redaction (`*.token`, `headers.authorization`, `*.password`, `*.secret*`) at any depth.
        log: (object) => redactKeys(object) as Record<string, unknown>,
        bindings: (bindings) => redactKeys(bindings) as Record<string, unknown>,
      },
    },
    scrubbingStream(target, createSecretScrubber(opts.secrets)),
  );
}
