import { createHash } from 'node:crypto';
import * as z from 'zod';
import { err, ok, type Result } from './result.js';

/** MySQL 5.7.8+ and 8.x limit user names to 32 characters (MariaDB allows more; the lower bound wins). */
export const MAX_DB_USER_NAME_LENGTH = 32;

const VALID_NAME = /^[a-z0-9_]{1,32}$/;

/**
 * Names a Drawbridge user must never get: accounts that exist on MySQL, MariaDB or RDS servers for their
 * own purposes. A requester called `root@example.com` gets `root_<hash>` instead, so that Drawbridge never
 * creates, lists or drops an account sharing a name with one of these (the sweeper looks accounts up by
 * name across all hosts).
 */
export const RESERVED_DB_USER_NAMES: ReadonlySet<string> = new Set([
  'root',
  'admin',
  'mysql',
  'sys',
  'public',
  'none',
  'rdsadmin',
  'rdsrepladmin',
  'rdsproxyadmin',
  'rds_superuser_role',
  'mariadb_sys',
  'healthcheck',
]);

/** Prefixes of names Drawbridge and database vendors keep for themselves (Drawbridge's roles among them). */
const RESERVED_PREFIXES = ['drawbridge', 'rds_', 'aurora_', 'mysql_'];

/** True when `name` may be used as a Drawbridge MySQL user name: `[a-z0-9_]{1,32}` and not reserved. */
export function isValidDbUserName(name: string): boolean {
  return typeof name === 'string' && VALID_NAME.test(name) && !isReservedDbUserName(name);
}

export function isReservedDbUserName(name: string): boolean {
  return RESERVED_DB_USER_NAMES.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The MySQL user names to try for a requester, in order; the store's `claimDbUserName` takes the first
 * one nobody else holds.
 *
 * 1. the base: the local part of the e-mail, lower-cased, accents removed, `+tag` dropped, `.` and `-`
 *    turned into `_`, anything else outside `[a-z0-9_]` dropped, runs of `_` collapsed, `_` trimmed at both
 *    ends, at most 32 characters; `u_` in front when that leaves nothing or starts with a digit. Left out
 *    when it is reserved.
 * 2. the base cut to 25 characters + `_` + 6 characters of a hash of the Slack user id (stable: the same
 *    person always gets the same suffix, so their name does not change from one request to the next);
 * 3. the base cut to 19 characters + `_` + 12 characters of that hash, for the (1 in ~10⁹) case where two
 *    people share both the base and the short suffix.
 *
 * With a target's `prefix`, each candidate is the prefix followed by the name cut to fit 32 characters.
 * Every candidate satisfies isValidDbUserName.
 */
export function dbUserNameCandidates(email: string, slackUserId: string, prefix = ''): string[] {
  const room = MAX_DB_USER_NAME_LENGTH - prefix.length;
  const base = baseName(email).slice(0, room);
  const hash = base32(createHash('sha256').update(slackUserId, 'utf8').digest());
  const candidates = [base, suffixed(base, hash.slice(0, 6), room), suffixed(base, hash.slice(0, 12), room)]
    .map((name) => `${prefix}${name}`)
    .filter(isValidDbUserName);
  return [...new Set(candidates)];
}

/**
 * A target's `userPrefix` (e.g. `dbx_`) puts every Drawbridge name in a namespace of its own, for
 * organisations whose e-mail local parts collide with service accounts: lower-case `[a-z0-9_]`, starting
 * with a letter, at most 12 characters, and not one of the reserved prefixes.
 */
export function userPrefixProblem(prefix: string): string | undefined {
  if (!/^[a-z][a-z0-9_]{0,11}$/.test(prefix)) {
    return 'expected 1 to 12 characters a-z, 0-9 and _, starting with a letter, such as dbx_';
  }
  if (isReservedDbUserName(prefix)) return `${prefix} is reserved (drawbridge…, rds_…, aurora_…, mysql_…)`;
  return undefined;
}

function baseName(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at === -1 ? email : email.slice(0, at);
  const plus = local.indexOf('+');
  const untagged = plus === -1 ? local : local.slice(0, plus);
  const reduced = untagged
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.-]/g, '_')
    .replace(/[^a-z0-9_]/g, '')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  const prefixed = reduced === '' || /^\d/.test(reduced) ? `u_${reduced}` : reduced;
  return prefixed.slice(0, MAX_DB_USER_NAME_LENGTH);
}

function suffixed(base: string, suffix: string, length: number): string {
  const room = length - suffix.length - 1;
  const join = (stem: string) => `${stem.slice(0, room).replace(/_$/, '')}_${suffix}`;
  const name = join(base);
  // `mysql` + suffix falls under the reserved prefix `mysql_`; a `u_` in front is never reserved.
  return isReservedDbUserName(name) ? join(`u_${base}`) : name;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 in lower case without padding: 5 bits per character, all inside `[a-z0-9]`. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

export interface EmailError {
  code: 'invalid_email';
  message: string;
}

const EMAIL = z.email();

/** Validates an e-mail address (as Slack reports it) and returns it trimmed. */
export function parseEmail(text: string): Result<string, EmailError> {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (EMAIL.safeParse(trimmed).success) return ok(trimmed);
  const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 80)) : String(typeof text);
  return err({
    code: 'invalid_email',
    message: `expected an e-mail address such as ada.lovelace@example.com, got ${shown}`,
  });
}
