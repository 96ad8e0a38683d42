import { DrawbridgeError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { DbAccountRef } from '../../domain/types.js';

/** MySQL 5.7.8+/8.x limit user names to 32 characters; Drawbridge names are reduced to `[a-z0-9_]`. */
const USER_NAME = /^[a-z0-9_]{1,32}$/;
/** Dotted-quad without leading zeros: MySQL compares hosts as strings, so `010.0.0.1` would not match. */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export type AccountProblemCode = 'invalid_user' | 'invalid_host' | 'invalid_password';
export interface AccountProblem {
  code: AccountProblemCode;
  message: string;
}

/** A caller passed an account or password the adapter refuses to put into SQL. */
export class InvalidAccountError extends DrawbridgeError {
  constructor(problem: AccountProblem) {
    super(problem.code, problem.message);
  }
}

const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * Checks an account before any SQL is built from it: the user must match `^[a-z0-9_]{1,32}$` and the
 * host must be an IPv4 literal (the bastion's address), never a pattern such as `%` or a host name.
 */
export function checkAccount(account: DbAccountRef): Result<DbAccountRef, AccountProblem> {
  if (!USER_NAME.test(account.user)) {
    return err({
      code: 'invalid_user',
      message: `MySQL user ${shown(account.user)} must match [a-z0-9_]{1,32}`,
    });
  }
  if (!IPV4.test(account.host)) {
    return err({
      code: 'invalid_host',
      message: `MySQL host ${shown(account.host)} must be an IPv4 literal`,
    });
  }
  return ok({ user: account.user, host: account.host });
}

export function assertAccount(account: DbAccountRef): DbAccountRef {
  const checked = checkAccount(account);
  if (!checked.ok) throw new InvalidAccountError(checked.error);
  return checked.value;
}

/**
 * Passwords are printable ASCII without backslash: the literal then means the same whether or not the
 * server runs with NO_BACKSLASH_ESCAPES. Drawbridge's generator uses a shell-safe set, so this never bites.
 * The message never contains the password.
 */
export function assertPassword(password: string): void {
  if (password.length === 0 || password.length > 256 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(password)) {
    throw new InvalidAccountError({
      code: 'invalid_password',
      message: 'password must be 1-256 printable ASCII characters without backslash',
    });
  }
}
