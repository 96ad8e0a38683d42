/** Reads a submitted request modal. Policy checks (maximum, ticket required…) belong to the use case. */
import { MAX_DURATION_SECONDS } from '../../domain/duration.js';
import { err, ok, type Result } from '../../domain/result.js';
import { TIERS, type Tier } from '../../domain/types.js';
import { REQUEST_INPUT } from '../ids.js';
import { TARGET_NAME_PATTERN } from '../slash-grammar.js';
import { REASON_MAX_LENGTH, TICKET_MAX_LENGTH } from './limits.js';
import { BREAK_GLASS_VALUE } from './request-modal.js';
import { isHttpUrl } from './text.js';
import { checkedOf, type SubmissionError, selectedOf, textOf, viewState } from './view-state.js';

export interface RequestModalInput {
  target: string;
  tier: Tier;
  durationSeconds: number;
  /** May be empty: whether a reason is required is the tier's policy. */
  reason: string;
  ticket?: string;
  /** Break-glass was ticked: the reason is the justification. */
  breakGlass?: { justification: string };
}

/**
 * `view.state.values` of VIEW.request → the submission, or every problem keyed by the block id it belongs
 * to (so the listener can answer `response_action: 'errors'`). Never throws, whatever the payload.
 */
export function readRequestModal(values: unknown): Result<RequestModalInput, SubmissionError> {
  const state = viewState(values);
  const errors: Record<string, string> = {};

  const target = selectedOf(state, REQUEST_INPUT.target);
  if (target === undefined) errors[REQUEST_INPUT.target.block] = 'Choose a database.';
  else if (!TARGET_NAME_PATTERN.test(target))
    errors[REQUEST_INPUT.target.block] = 'Choose one of the databases listed.';

  const tierValue = selectedOf(state, REQUEST_INPUT.tier);
  const tier = TIERS.find((t) => t === tierValue);
  if (tier === undefined) errors[REQUEST_INPUT.tier.block] = 'Choose READ, DML or DDL.';

  const durationValue = selectedOf(state, REQUEST_INPUT.duration);
  const durationSeconds = /^\d{1,9}$/.test(durationValue ?? '') ? Number(durationValue) : Number.NaN;
  if (!(durationSeconds >= 1 && durationSeconds <= MAX_DURATION_SECONDS)) {
    errors[REQUEST_INPUT.duration.block] = 'Choose one of the durations listed.';
  }

  const reason = textOf(state, REQUEST_INPUT.reason);
  if (reason.length > REASON_MAX_LENGTH) {
    errors[REQUEST_INPUT.reason.block] = `Keep the reason under ${REASON_MAX_LENGTH} characters.`;
  }

  const ticket = textOf(state, REQUEST_INPUT.ticket);
  if (ticket !== '' && (!isHttpUrl(ticket) || ticket.length > TICKET_MAX_LENGTH)) {
    errors[REQUEST_INPUT.ticket.block] = 'Enter a link that starts with https:// (or leave it empty).';
  }

  const breakGlass = checkedOf(state, REQUEST_INPUT.breakGlass).includes(BREAK_GLASS_VALUE);
  if (breakGlass && reason === '') {
    errors[REQUEST_INPUT.reason.block] = 'Break-glass needs a justification: say here why it cannot wait.';
  }

  if (Object.keys(errors).length > 0 || target === undefined || tier === undefined) {
    return err({ code: 'invalid_submission', errors });
  }
  return ok({
    target,
    tier,
    durationSeconds,
    reason,
    ...(ticket !== '' ? { ticket } : {}),
    ...(breakGlass ? { breakGlass: { justification: reason } } : {}),
  });
}
