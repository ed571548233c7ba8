import { z } from 'zod';

/**
 * What a form carries in `private_metadata`: where it was opened and that channel's environment. It comes
 * back with the submission, so it is validated and never trusted for access: channel and role are
 * checked again at submission.
 */
export const FormMetadata = z
  .object({
    channel: z.string().regex(/^[CGD][A-Z0-9]{2,30}$/),
    env: z.string().min(1).max(100),
  })
  .strict();
export type FormMetadata = z.infer<typeof FormMetadata>;

/** The metadata, or undefined when it is not JSON of that shape. */
export function readFormMetadata(text: string): FormMetadata | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = FormMetadata.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
