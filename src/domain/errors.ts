/**
 * Infrastructure failures are thrown as these typed errors (a string `code`, the original `cause`) and
 * caught in one place per entry point. Expected business outcomes are `Result` values instead.
 */
export class DrawbridgeError extends Error {
  constructor(
    readonly code: string,
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
