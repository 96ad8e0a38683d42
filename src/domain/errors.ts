/**
 * Infrastructure failures are thrown as these typed errors (a string `code`, the original `cause`) and
 * caught in one place per entry point. Expected business outcomes are `Result` values instead.
 */
/**
 * Every error code Drawbridge answers with — expected outcomes (a Result's `code`) and thrown failures
 * alike — in one closed set: a new code is added here, and test/domain/error-codes.test.ts finds any code
 * written elsewhere that is not.
 */
export const ERROR_CODES = [
  'account_exists',
  'account_not_ours',
  'already_decided',
  'already_exists',
  'approval_window_closed',
  'break_glass_disabled',
  'break_glass_not_allowed',
  'concurrent_change',
  'corrupt_item',
  'database_unavailable',
  'dependency_failed',
  'duration_too_long',
  'extension_refused',
  'external_refused',
  'guest_refused',
  'illegal_transition',
  'invalid_command',
  'invalid_config',
  'invalid_duration',
  'invalid_email',
  'invalid_host',
  'invalid_message_ref',
  'invalid_password',
  'invalid_submission',
  'invalid_update',
  'invalid_user',
  'invalid_worker_event',
  'justification_required',
  'lifecycle_invariant',
  'name_unavailable',
  'no_email',
  'not_active',
  'not_allowed',
  'not_an_approver',
  'not_found',
  'not_owner',
  'not_requester',
  'random_source_broken',
  'reason_required',
  'request_refused',
  'self_approval',
  'sql_refused',
  'sql_unparsable',
  'stale_approval',
  'superseded',
  'ticket_required',
  'too_many_live',
  'too_many_pending',
  'too_many_submissions',
  'unknown_target',
  'unknown_tier',
  'unstorable_value',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DrawbridgeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A conditional write lost: somebody else changed the item first. Decide again from `winner`, the item as
 * the winning write left it, when the store could say (DynamoDB's ALL_OLD on a failed condition); else
 * reload it.
 */
export class ConcurrentChangeError<T = unknown> extends DrawbridgeError {
  readonly winner: T | undefined;

  constructor(id: string, options?: { cause?: unknown; winner?: T | undefined }) {
    super('concurrent_change', `request ${id} was changed concurrently`, options);
    this.winner = options?.winner;
  }
}

export class AlreadyExistsError extends DrawbridgeError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('already_exists', `${what} already exists`, options);
  }
}

/** CREATE USER found the account already there: it is not Drawbridge's, and nothing was changed. */
export class AccountExistsError extends DrawbridgeError {
  constructor(user: string, host: string) {
    super('account_exists', `${user}@${host} already exists`);
  }
}

/**
 * Provisioning met an account it may not touch: it existed before Drawbridge tried to create it, or another
 * request holds it. The message is the requester-facing reason.
 */
export class AccountNotOursError extends DrawbridgeError {
  constructor(message: string) {
    super('account_not_ours', message);
  }
}

/** A call to a dependency (database, AWS, Slack) failed; `step` names what Drawbridge was doing. */
export class DependencyError extends DrawbridgeError {
  constructor(
    readonly step: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('dependency_failed', `${step}: ${message}`, options);
  }
}

/**
 * The server's password policy refused a generated password (MySQL `validate_password` STRONG with a
 * dictionary file, error 1819): nothing changed, and another random password may pass. Never carries the
 * password.
 */
export class PasswordRefusedError extends DependencyError {
  constructor(step: string, serverMessage: string) {
    super(step, `the server's password policy refused the generated password: ${serverMessage}`);
  }
}

export class ConfigError extends DrawbridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_config', message, options);
  }
}

/** Message of any thrown value, for recording a reason (never includes secrets: adapters must not put them in errors). */
export function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
