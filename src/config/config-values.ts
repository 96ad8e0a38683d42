/**
 * The leaf values of the config file as zod schemas whose messages say what is expected. The issue keeps
 * the offending input so that config.ts can add ", got …" (or hide it for secrets).
 */
import * as z from 'zod';
import { formatDuration, parseDuration } from '../domain/duration.js';
import { parseEmail } from '../domain/names.js';
import { SYSTEM_SCHEMAS } from '../domain/protected-tables.js';
import { GRANTABLE_PRIVILEGES } from '../domain/tiers.js';

/**
 * A failed check's message is the expectation; config.ts adds the input after it. A message that already
 * quotes the input carries `withoutInput`, the same expectation without it, for values that must not show.
 */
type Check<T> = (
  value: unknown,
) => { ok: true; value: T } | { ok: false; message: string; withoutInput?: string };

/** A schema from a check function; a failed check becomes one issue whose message is the expectation. */
export function leaf<T>(check: Check<T>) {
  return z.unknown().transform((value, ctx): T => {
    const result = check(value);
    if (result.ok) return result.value;
    const params =
      result.withoutInput === undefined ? { got: true } : { got: false, withoutInput: result.withoutInput };
    ctx.addIssue({ code: 'custom', message: result.message, input: value, params });
    return z.NEVER;
  });
}

const pass = <T>(value: T) => ({ ok: true as const, value });
const fail = (message: string) => ({ ok: false as const, message });

/** `strictObject` whose unknown-key issue carries one line per key (same order as `keys`) with a suggestion. */
export function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys.map((key) => unknownKeyText(key, known)).join('\n');
    },
  });
}

function unknownKeyText(key: string, known: readonly string[]): string {
  const guess = didYouMean(key, known);
  return guess === undefined
    ? `unknown key; expected one of ${known.join(', ')}`
    : `unknown key; did you mean "${guess}"?`;
}

/** The closest candidate when it is close enough to be a typo (or differs only in case), else undefined. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(1, Math.floor(word.length / 3)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** A whole number; digit strings count too, since `${ENV}` substitutions are strings. */
export function wholeNumber(min: number, max?: number) {
  const expected =
    max === undefined ? `expected a whole number ≥ ${min}` : `expected a whole number from ${min} to ${max}`;
  return leaf((value) => {
    const n = typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
      return fail(expected);
    }
    return pass(n);
  });
}

/** true or false; the strings `true`/`false` count too (`${ENV}` substitutions). */
export const bool = leaf((value) => {
  if (value === true || value === 'true') return pass(true);
  if (value === false || value === 'false') return pass(false);
  return fail('expected true or false');
});

/** A duration such as `30m`, in seconds. */
export const duration = leaf((value) => {
  const expected = 'expected a duration such as 30m, 1h or 1h30m';
  if (typeof value !== 'string' && typeof value !== 'number') return fail(expected);
  const parsed = parseDuration(String(value));
  return parsed.ok
    ? pass(parsed.value)
    : { ok: false as const, message: parsed.error.message, withoutInput: expected };
});

/** A duration from `min` to `max` seconds (both included). */
export function durationWithin(min: number, max: number) {
  const expected = `expected a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
  return leaf((value) => {
    const parsed =
      typeof value === 'string' || typeof value === 'number' ? parseDuration(String(value)) : undefined;
    if (parsed === undefined) return fail(expected);
    if (!parsed.ok) return { ok: false as const, message: parsed.error.message, withoutInput: expected };
    return parsed.value < min || parsed.value > max ? fail(expected) : pass(parsed.value);
  });
}

/**
 * A key that is known but not allowed here (usually: not in this mode). Any value is refused with `message`
 * alone, never echoed, since such keys include passwords.
 */
export function refused(message: string) {
  return z.unknown().transform((_value, ctx): never => {
    ctx.addIssue({ code: 'custom', message, params: { got: false } });
    return z.NEVER;
  });
}

/** `schema` for a key that is optional elsewhere but required here; a missing value is reported as `missing; why`. */
export function required<T extends z.ZodType>(schema: T, why: string) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (value === undefined) ctx.addIssue({ code: 'custom', message: `missing; ${why}`, continue: false });
    })
    .pipe(schema);
}

export function text(expected: string, pattern?: RegExp) {
  return leaf((value) =>
    typeof value === 'string' && value.trim() !== '' && (pattern === undefined || pattern.test(value))
      ? pass(value)
      : fail(expected),
  );
}

/** Any string, the empty one included (an empty admin password is legitimate locally). */
export const anyText = leaf((value) =>
  typeof value === 'string' ? pass(value) : fail('expected text (quote values such as "12345")'),
);

export function oneOf<const T extends string>(values: readonly T[], note = '') {
  const expected = `expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}${note}`;
  return leaf((value) => {
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return pass(value as T);
    const guess = typeof value === 'string' ? didYouMean(value, values) : undefined;
    return fail(guess === undefined ? expected : `${expected} (did you mean ${guess}?)`);
  });
}

const SLACK_ID = /^[A-Z0-9]{3,20}$/;

function slackId(prefixes: string, expected: string) {
  return leaf((value) => {
    const valid = (id: string) => SLACK_ID.test(id) && prefixes.includes(id[0]!);
    if (typeof value === 'string' && valid(value)) return pass(value);
    if (typeof value === 'string' && value.includes('@')) return fail(`${expected}, not an e-mail address`);
    if (typeof value === 'string' && value.startsWith('#')) return fail(`${expected}, not a channel name`);
    if (typeof value === 'string' && valid(value.toUpperCase())) {
      return fail(`${expected} (Slack ids are upper-case)`);
    }
    return fail(expected);
  });
}

export const approverId = slackId('UWS', 'expected a Slack user id (U… or W…) or user-group id (S…)');
export const slackUserId = slackId('UW', 'expected a Slack user id such as U0123ABCD');
export const slackGroupId = slackId('S', 'expected a Slack user-group id such as S0123ABCD');
export const channelId = slackId('CG', 'expected a Slack channel id such as C0123ABCD');

export const email = leaf((value) => {
  const parsed = parseEmail(typeof value === 'string' ? value : '');
  return parsed.ok ? pass(parsed.value) : fail('expected an e-mail address such as ada.lovelace@example.com');
});

export const targetName = text('expected a name of 1 to 24 characters a-z, 0-9 and -', /^[a-z0-9-]{1,24}$/);

export const slashCommand = text(
  'expected a slash command such as /bastion (lower-case, at most 32 characters)',
  /^\/[a-z0-9_-]{1,31}$/,
);

export const schemaName = leaf((value) => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_$-]{1,64}$/.test(value)) {
    return fail('expected a schema name of 1 to 64 characters A-Z, a-z, 0-9, _, $ and -');
  }
  if (SYSTEM_SCHEMAS.includes(value.toLowerCase())) {
    return fail(`expected an application schema; ${SYSTEM_SCHEMAS.join(', ')} are never granted`);
  }
  return pass(value);
});

export const tablePattern = text(
  'expected a table name or pattern (* any characters, ? one character), e.g. secret_*',
  /^[A-Za-z0-9_$*?-]{1,64}$/,
);

/** A privilege of GRANTABLE_PRIVILEGES, in any case and spacing (`show view` is `SHOW VIEW`). */
export const privilege = leaf((value) => {
  const normal = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ').toUpperCase() : '';
  if ((GRANTABLE_PRIVILEGES as readonly string[]).includes(normal)) return pass(normal);
  const guess = didYouMean(normal, GRANTABLE_PRIVILEGES);
  const hint = guess === undefined ? '' : ` (did you mean ${guess}?)`;
  return fail(`expected a table privilege, one of ${GRANTABLE_PRIVILEGES.join(', ')}${hint}`);
});

/**
 * The loopback network local bastions take source addresses from: a /16 or /24 network address inside
 * 127.0.0.0/8 that does not contain 127.0.0.1, since an account pinned to 127.0.0.1 would accept any
 * local client, not only the bastion.
 */
export const loopbackNetwork = leaf((value) => {
  const expected = 'expected a loopback /16 or /24 network such as 127.77.0.0/16';
  const match =
    typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  if (match === null) return fail(expected);
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || (prefixLength !== 16 && prefixLength !== 24)) return fail(expected);
  if (octets[0] !== 127) return fail(`${expected} (inside 127.0.0.0/8)`);
  const hostOctets = prefixLength === 16 ? octets.slice(2) : octets.slice(3);
  if (hostOctets.some((o) => o !== 0)) return fail(`${expected} (the network address, host bits zero)`);
  if (octets[1] === 0 && (prefixLength === 16 || octets[2] === 0)) {
    return fail(`${expected} not containing 127.0.0.1, which every local client uses`);
  }
  return pass({ sourceNetwork: value as string, prefixLength: prefixLength as 16 | 24 });
});
