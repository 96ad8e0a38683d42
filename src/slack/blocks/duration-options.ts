/** The duration choices of the request and extend modals: a ladder of round values up to a maximum. */
import type { PlainTextOption } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import { option } from './kit.js';

const LADDER = [
  15 * 60,
  30 * 60,
  3_600,
  2 * 3_600,
  4 * 3_600,
  8 * 3_600,
  12 * 3_600,
  86_400,
  2 * 86_400,
  3 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
];

/** The round durations up to `maxSeconds`, and `maxSeconds` itself when it is not one of them. */
export function durationChoices(maxSeconds: number): number[] {
  if (!Number.isSafeInteger(maxSeconds) || maxSeconds < 1) return [];
  const choices = LADDER.filter((s) => s < maxSeconds);
  choices.push(maxSeconds);
  return choices;
}

/** `1 hour`, `90 minutes`, `2 days`: the largest unit that divides it; otherwise canonical (`1h1m1s`). */
export function durationLabel(seconds: number): string {
  const units = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ] as const;
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return formatDuration(seconds);
}

export function durationOption(seconds: number): PlainTextOption {
  return option(durationLabel(seconds), String(seconds));
}

/** What to preselect: the wanted duration if it is offered, else one hour, else the maximum. */
export function defaultDuration(choices: readonly number[], wanted?: number): number | undefined {
  if (wanted !== undefined && choices.includes(wanted)) return wanted;
  if (choices.includes(3_600)) return 3_600;
  return choices.at(-1);
}
