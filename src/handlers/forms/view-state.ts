import { z } from 'zod';

/** One input's value in `view.state.values`, for the element types opsbot's forms use. */
const ViewStateValue = z
  .object({
    type: z.string(),
    value: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).nullish(),
  })
  .passthrough();

/** `view.state.values`: block_id → action_id → value, as Slack sends it with a view_submission. */
export const ViewState = z.record(z.string(), z.record(z.string(), ViewStateValue));
export type ViewState = z.infer<typeof ViewState>;

/** The block's value (text typed or option picked), trimmed; undefined when empty or absent. */
export function fieldOf(values: ViewState, blockId: string): string | undefined {
  const input = Object.values(values[blockId] ?? {})[0];
  const raw = input?.value ?? input?.selected_option?.value ?? undefined;
  const text = raw?.trim();
  return text ? text : undefined;
}
