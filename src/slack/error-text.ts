/**
 * What a person sees when Drawbridge says no: the one place that turns an error code into user text. The
 * use case's message names the specifics ("prod does not offer DDL (offered: READ, DML)"); this table adds,
 * per code, what the person can do about it — or nothing, where the message already says it all. Every
 * code has an entry (the Record is over the closed set), so a new code cannot reach a user unexplained.
 */
import type { ErrorCode } from '../domain/errors.js';

const NEXT_STEP: Readonly<Record<ErrorCode, string | null>> = {
  account_exists:
    'That database account was not made by Drawbridge, so it is left alone; ask the platform team.',
  account_not_ours: 'Ask the platform team: Drawbridge touches only accounts it made.',
  already_decided: null,
  already_exists: null,
  approval_window_closed: 'Ask again with `/bastion`.',
  break_glass_disabled: null,
  break_glass_not_allowed: 'Ask for an approved request instead.',
  concurrent_change: 'Try again: someone changed this request at the same moment.',
  corrupt_item: 'Tell the platform team: the record could not be read.',
  database_unavailable:
    'Nothing was changed. Try again in a minute; if it keeps failing, tell the platform team.',
  dependency_failed:
    'Nothing more was changed. Try again in a minute; if it keeps failing, tell the platform team.',
  duration_too_long: 'Ask for a shorter duration, and extend later if you need to.',
  extension_refused: null,
  external_refused: null,
  guest_refused: null,
  illegal_transition: 'See where it stands with `/bastion list`.',
  invalid_command: null,
  invalid_config: 'Tell the platform team: the Drawbridge config needs fixing.',
  invalid_duration: 'Write durations like `30m`, `1h` or `1h30m`.',
  invalid_email: null,
  invalid_host: null,
  invalid_message_ref: null,
  invalid_password: null,
  invalid_submission: null,
  invalid_update: null,
  invalid_user: null,
  invalid_worker_event: null,
  justification_required: null,
  lifecycle_invariant: 'Tell the platform team.',
  name_unavailable: 'Ask the platform team to free or map a database user name for you.',
  no_email: 'Add an e-mail address to your Slack profile: your database user is named after it.',
  not_active: 'Ask for new access with `/bastion`.',
  not_allowed: null,
  not_an_approver: 'Only the approvers configured for this target and tier can decide.',
  not_found: 'Check the id with `/bastion list`.',
  not_owner: null,
  not_requester: null,
  random_source_broken: 'Tell the platform team.',
  reason_required: 'Say why you need access.',
  request_refused: null,
  self_approval: 'Another approver has to decide.',
  sql_refused: 'Change the SQL and ask again with `/bastion run`.',
  sql_unparsable: 'Fix the SQL and ask again with `/bastion run`.',
  stale_approval: 'Open the request again and approve the SQL it now shows.',
  superseded: null,
  ticket_required:
    'Add a ticket link: `ticket:<url>` at the end of the command, or the Ticket field in the form.',
  too_many_live: 'End an access you no longer need (End now, or `/bastion end <id>`), then ask again.',
  too_many_pending: 'Wait for a decision on your pending requests, or cancel one.',
  too_many_submissions: 'Try again later: there is a limit on requests per hour.',
  unknown_target: 'Type `/bastion` alone to pick from the targets you can ask for.',
  unknown_tier: null,
  unstorable_value: 'Tell the platform team.',
};

/** The message as the use case wrote it, followed by what to do about it where there is something to do. */
export function errorText(error: { code: ErrorCode; message: string }): string {
  const next = NEXT_STEP[error.code];
  if (!next) return error.message;
  return `${/[.!?]$/.test(error.message) ? error.message : `${error.message}.`} ${next}`;
}
