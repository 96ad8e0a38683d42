import { DrawbridgeError, PasswordRefusedError } from './errors.js';
import type { Random } from './ports.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/**
 * Special characters that mean nothing to a POSIX shell (quoted or not), to `.my.cnf`, or inside a URL's
 * user-info: no quotes, `$`, `\`, backtick, space, `!`, `#`, `&`, `;`, `|`, `*`, `?`, `~`, `%`, `@`, `:`.
 * `validate_password` and `cracklib` count any non-alphanumeric character as special.
 */
const SPECIALS = '-_.,+=';

/** The 68 characters passwords are drawn from. */
export const PASSWORD_ALPHABET = LOWER + UPPER + DIGITS + SPECIALS;

export const DEFAULT_PASSWORD_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** A working Random never needs more than a handful of draws; this many means the source is broken. */
const MAX_ATTEMPTS = 1_000;

/**
 * A random password of `length` characters from PASSWORD_ALPHABET with at least one lower-case letter,
 * one upper-case letter, one digit and one special character, and no character three times in a row
 * (what `validate_password` MEDIUM and `cracklib`/`simple_password_check` ask for).
 *
 * Unbiased: each character comes from rejection sampling of random bytes (bytes above the largest multiple
 * of the alphabet size are thrown away), and a password breaking a rule is thrown away whole rather than
 * patched, so every acceptable password is equally likely.
 */
export function generatePassword(random: Random, length = DEFAULT_PASSWORD_LENGTH): string {
  if (!Number.isInteger(length) || length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(
      `password length must be a whole number from ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH}, got ${length}`,
    );
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const candidate = uniformIndices(random, PASSWORD_ALPHABET.length, length)
      .map((i) => PASSWORD_ALPHABET[i])
      .join('');
    if (meetsPasswordPolicy(candidate)) return candidate;
  }
  throw new DrawbridgeError(
    'random_source_broken',
    `no acceptable password after ${MAX_ATTEMPTS} attempts: the random source is not random`,
  );
}

/** True when `password` has every character class and no character three times in a row. */
export function meetsPasswordPolicy(password: string): boolean {
  return (
    hasAny(password, LOWER) &&
    hasAny(password, UPPER) &&
    hasAny(password, DIGITS) &&
    hasAny(password, SPECIALS) &&
    !/(.)\1\1/s.test(password)
  );
}

function hasAny(text: string, characters: string): boolean {
  for (const c of text) if (characters.includes(c)) return true;
  return false;
}

/**
 * `count` integers, each uniform in `[0, size)` for `size` ≤ 256: bytes at or above the largest multiple
 * of `size` below 256 are rejected, since keeping them (`byte % size`) would favour the small indices.
 */
export function uniformIndices(random: Random, size: number, count: number): number[] {
  if (!Number.isInteger(size) || size < 1 || size > 256) {
    throw new RangeError(`size must be a whole number from 1 to 256, got ${size}`);
  }
  const limit = 256 - (256 % size);
  const out: number[] = [];
  let draws = 0;
  while (out.length < count) {
    if (++draws > MAX_ATTEMPTS) {
      throw new DrawbridgeError('random_source_broken', 'the random source keeps returning rejected bytes');
    }
    // Ask for a little more than needed: about 1 byte in 4 is rejected for the password alphabet.
    for (const byte of random.bytes(Math.ceil((count - out.length) * 1.34) + 4)) {
      if (byte < limit) out.push(byte % size);
      if (out.length === count) break;
    }
  }
  return out;
}

/** Fresh passwords tried when the server's policy refuses one; a random 32-character password rarely fails. */
export const PASSWORD_POLICY_TRIES = 5;

/**
 * Runs `use` with a new random password, and again with another while the server's password policy refuses
 * it (PasswordRefusedError), at most `tries` times in all. Returns the password that was accepted.
 */
export async function withAcceptedPassword(
  random: Random,
  use: (password: string) => Promise<void>,
  tries = PASSWORD_POLICY_TRIES,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const password = generatePassword(random);
    try {
      await use(password);
      return password;
    } catch (error) {
      if (!(error instanceof PasswordRefusedError) || attempt >= tries) throw error;
    }
  }
}
