/** `view.state.values` as Slack sends it, read with zod: `values[block_id][action_id]`. */
import { z } from 'zod';

const stateValue = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});

const stateValues = z.record(z.string(), z.record(z.string(), stateValue));

export type ViewStateValues = z.infer<typeof stateValues>;

/** The values, or an empty record when the payload is not shaped as Slack sends it. */
export function viewState(values: unknown): ViewStateValues {
  const parsed = stateValues.safeParse(values);
  return parsed.success ? parsed.data : {};
}

export function entry(values: ViewStateValues, ids: { block: string; action: string }) {
  return values[ids.block]?.[ids.action];
}

/** A text input's trimmed value; empty and absent are the same. */
export function textOf(values: ViewStateValues, ids: { block: string; action: string }): string {
  return (entry(values, ids)?.value ?? '').trim();
}

export function selectedOf(
  values: ViewStateValues,
  ids: { block: string; action: string },
): string | undefined {
  return entry(values, ids)?.selected_option?.value;
}

export function checkedOf(values: ViewStateValues, ids: { block: string; action: string }): string[] {
  return (entry(values, ids)?.selected_options ?? []).map((o) => o.value);
}

/** Why a submission was refused, per block id, ready for `ack({ response_action: 'errors', errors })`. */
export interface SubmissionError {
  code: 'invalid_submission';
  errors: Record<string, string>;
}
