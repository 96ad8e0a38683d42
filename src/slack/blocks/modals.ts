/**
 * The small modals: a reason to deny, an extension, and the placeholder shown while slow work runs.
 * Each carries the request id (and the channel to answer in) as JSON in `private_metadata`.
 */
import type { ModalView } from '@slack/types';
import { err, ok, type Result } from '../../domain/result.js';
import { DENY_INPUT, EXTEND_INPUT, VIEW } from '../ids.js';
import { defaultDuration, durationChoices, durationLabel, durationOption } from './duration-options.js';
import { plain, section } from './kit.js';
import { DENY_REASON_MAX_LENGTH, SLACK_LIMITS } from './limits.js';
import { clip, code, userText } from './text.js';
import { type SubmissionError, selectedOf, textOf, viewState } from './view-state.js';

/** `private_metadata` of a modal about one request. */
export function modalMetadata(requestId: string, channel?: string): string {
  return JSON.stringify(channel === undefined ? { requestId } : { requestId, channel });
}

const title = (text: string) => plain(text, SLACK_LIMITS.modalTitle);
const label = (text: string) => plain(text, SLACK_LIMITS.modalButton);

export function denyReasonModal(requestId: string, channel?: string): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.denyReason,
    private_metadata: modalMetadata(requestId, channel),
    title: title('Deny request'),
    submit: label('Deny'),
    close: label('Cancel'),
    blocks: [
      section(`Deny request ${code(requestId)}? The requester is told, with your reason if you give one.`),
      {
        type: 'input',
        block_id: DENY_INPUT.block,
        optional: true,
        label: plain('Reason', SLACK_LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: DENY_INPUT.action,
          multiline: true,
          max_length: DENY_REASON_MAX_LENGTH,
          placeholder: plain('Why not (optional)', SLACK_LIMITS.placeholder),
        },
      },
    ],
  };
}

/** The deny reason typed, or undefined when none was given. Cut to its maximum rather than refused. */
export function readDenyReason(values: unknown): string | undefined {
  const reason = textOf(viewState(values), DENY_INPUT);
  return reason === '' ? undefined : clip(reason, DENY_REASON_MAX_LENGTH);
}

/** Asks how much more time; the choices stop at `maxSeconds` (what the tier's extension caps leave). */
export function extendModal(requestId: string, maxSeconds: number, channel?: string): ModalView {
  const base = {
    type: 'modal' as const,
    callback_id: VIEW.extend,
    private_metadata: modalMetadata(requestId, channel),
    title: title('Extend access'),
    close: label('Cancel'),
  };
  const choices = durationChoices(Math.floor(maxSeconds));
  if (choices.length === 0) {
    return { ...base, blocks: [section('No extension is left under this tier’s policy.')] };
  }
  const initial = defaultDuration(choices, 30 * 60);
  return {
    ...base,
    submit: label('Ask'),
    blocks: [
      section(
        `Extend ${code(requestId)} by up to ${durationLabel(choices.at(-1) ?? 0)}. The approvers decide, as for the request.`,
      ),
      {
        type: 'input',
        block_id: EXTEND_INPUT.block,
        label: plain('More time', SLACK_LIMITS.inputLabel),
        element: {
          type: 'static_select',
          action_id: EXTEND_INPUT.action,
          options: choices.map(durationOption),
          ...(initial !== undefined ? { initial_option: durationOption(initial) } : {}),
        },
      },
    ],
  };
}

/** The extension chosen; with `maxSeconds`, one above it is refused on the block. */
export function readExtendModal(
  values: unknown,
  maxSeconds?: number,
): Result<{ durationSeconds: number }, SubmissionError> {
  const chosen = selectedOf(viewState(values), EXTEND_INPUT) ?? '';
  const seconds = /^\d{1,9}$/.test(chosen) ? Number(chosen) : 0;
  if (seconds < 1) {
    return err({
      code: 'invalid_submission',
      errors: { [EXTEND_INPUT.block]: 'Choose how much more time.' },
    });
  }
  if (maxSeconds !== undefined && seconds > maxSeconds) {
    return err({
      code: 'invalid_submission',
      errors: { [EXTEND_INPUT.block]: `At most ${durationLabel(maxSeconds)} is left to extend.` },
    });
  }
  return ok({ durationSeconds: seconds });
}

/**
 * Opened at once from a button whose work is slow (a trigger id lasts 3 s), then replaced by the real
 * view; with `message` it says why that work could not be done.
 */
export function loadingModal(heading: string, message?: string): ModalView {
  return {
    type: 'modal',
    title: title(heading),
    close: label('Close'),
    blocks: [
      section(
        message === undefined
          ? ':hourglass_flowing_sand: Working on it…'
          : `:warning: ${userText(message, 2900)}`,
      ),
    ],
  };
}
