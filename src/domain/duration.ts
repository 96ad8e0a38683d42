import { err, ok, type Result } from './result.js';

export interface DurationError {
  code: 'invalid_duration';
  message: string;
}

const UNITS = [
  { unit: 'd', seconds: 86_400 },
  { unit: 'h', seconds: 3_600 },
  { unit: 'm', seconds: 60 },
  { unit: 's', seconds: 1 },
] as const;

/**
 * No access lasts a year; the cap also keeps every total a safe integer whatever digits are typed.
 */
export const MAX_DURATION_SECONDS = 365 * 86_400;

const EXAMPLES = 'examples: 30m, 1h, 1h30m, 90s, 1d';
/** Longer input is refused before any pattern runs on it. */
const MAX_TEXT_LENGTH = 40;
const CANONICAL = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const PART = /(\d+)([a-z])/g;

/**
 * Parses a duration such as `30m`, `1h`, `1h30m`, `90s`, `2h15m30s` or `1d` into seconds.
 *
 * Rules: units `d`, `h`, `m`, `s` (case-insensitive), largest first, each at most once, whole numbers,
 * no spaces inside (surrounding spaces are ignored), total above zero and at most a year. A bare number is
 * refused rather than guessed: `30` could mean seconds or minutes.
 */
export function parseDuration(text: string): Result<number, DurationError> {
  if (typeof text !== 'string') return invalid('a duration is text such as 30m', text);
  const trimmed = text.trim();
  if (trimmed === '') return invalid('it is empty', text);
  if (trimmed.length > MAX_TEXT_LENGTH) return invalid('it is too long', text);
  const lower = trimmed.toLowerCase();

  const match = CANONICAL.exec(lower);
  if (match === null || !match.slice(1).some((g) => g !== undefined)) {
    return invalid(diagnose(lower), text);
  }
  let total = 0;
  match.slice(1).forEach((digits, i) => {
    if (digits !== undefined) total += Number(digits) * UNITS[i]!.seconds;
  });
  if (total === 0) return invalid('it must be longer than zero', text);
  if (total > MAX_DURATION_SECONDS) return invalid('it must be at most 365d', text);
  return ok(total);
}

/**
 * Formats seconds as the canonical duration (`5400` → `1h30m`), the inverse of parseDuration for every
 * whole number of seconds from 1 to MAX_DURATION_SECONDS. Zero is `0s`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`formatDuration needs a whole number of seconds ≥ 0, got ${seconds}`);
  }
  if (seconds === 0) return '0s';
  let rest = seconds;
  let text = '';
  for (const { unit, seconds: size } of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

function invalid(problem: string, text: unknown): { ok: false; error: DurationError } {
  const shown =
    typeof text === 'string'
      ? ` ${JSON.stringify(text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text)}`
      : '';
  return err({ code: 'invalid_duration', message: `invalid duration${shown}: ${problem} (${EXAMPLES})` });
}

/** Says what is wrong with text that does not match the canonical shape, as precisely as is cheap. */
function diagnose(lower: string): string {
  if (/^\d+$/.test(lower)) return `add a unit, e.g. ${lower}m or ${lower}s`;
  if (/\s/.test(lower)) return 'no spaces inside';
  if (lower.startsWith('-')) return 'it cannot be negative';
  if (/\d[.,]\d/.test(lower)) return 'use whole numbers (1h30m rather than 1.5h)';
  const unknownUnit = /\d+([^dhms\d])/.exec(lower);
  if (unknownUnit !== null) return `"${unknownUnit[1]}" is not a unit (d, h, m or s)`;
  if (/^(?:\d+[dhms])+$/.test(lower)) {
    const seen: string[] = [];
    for (const part of lower.matchAll(PART)) {
      const unit = part[2]!;
      if (seen.includes(unit)) return `the unit "${unit}" appears twice`;
      seen.push(unit);
    }
    return 'the units are out of order (largest first: d, h, m, s)';
  }
  if (/\d$/.test(lower)) return 'the last number has no unit';
  return 'write a whole number followed by a unit d, h, m or s';
}
