import { z } from 'zod';
import type { Tokens } from './tokenize.js';

/** Flags are checked strictly so a typo (`--prxied`) is an error, not silently ignored. */
export function flagsOf<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape).strict();
}

/** Grammar with no positionals and no flags. */
export const noArgs: z.ZodType<Record<string, never>, Tokens> = z
  .object({ positionals: z.array(z.string()).max(0, 'takes no arguments'), flags: flagsOf({}) })
  .transform(() => ({}));

/** A positive whole number given as text, within bounds. */
export function countArg(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));
}
