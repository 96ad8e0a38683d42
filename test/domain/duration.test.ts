import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_SECONDS, parseDuration } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800],
    ['1h', 3_600],
    ['1h30m', 5_400],
    ['90s', 90],
    ['2h15m30s', 8_130],
    ['1d', 86_400],
    ['1d2h3m4s', 93_784],
    ['90m', 5_400],
    ['1H30M', 5_400],
    ['  45m ', 2_700],
    ['0h5m', 300],
    ['365d', MAX_DURATION_SECONDS],
  ])('reads %j as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    ['30', 'add a unit, e.g. 30m'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['1h 30m', 'no spaces'],
    ['30m1h', 'out of order'],
    ['1h1h', '"h" appears twice'],
    ['1.5h', 'whole numbers'],
    ['-5m', 'negative'],
    ['10x', '"x" is not a unit'],
    ['1h30', 'last number has no unit'],
    ['0m', 'longer than zero'],
    ['0d0h0m0s', 'longer than zero'],
    ['366d', 'at most 365d'],
    ['99999999999999999999d', 'at most 365d'],
    ['h', 'whole number followed by a unit'],
    ['1'.repeat(100), 'too long'],
  ])('refuses %j saying %j', (text, fragment) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_duration');
    expect(result.error.message).toContain(fragment);
    expect(result.error.message).toContain('examples: 30m, 1h, 1h30m, 90s, 1d');
  });

  it('quotes the input it refuses, cut short when long', () => {
    const result = parseDuration(`${'x'.repeat(100)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(`"${'x'.repeat(40)}…"`);
  });

  it('never throws on junk and always answers with a Result', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[\d dhmsDHMS.+-]{0,12}$/)),
        (text) => {
          const result = parseDuration(text);
          if (result.ok) {
            expect(Number.isSafeInteger(result.value)).toBe(true);
            expect(result.value).toBeGreaterThan(0);
            expect(result.value).toBeLessThanOrEqual(MAX_DURATION_SECONDS);
          } else {
            expect(result.error.code).toBe('invalid_duration');
            expect(result.error.message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('accepts exactly the texts that format back to the same number of seconds', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            d: fc.integer({ min: 0, max: 30 }),
            h: fc.integer({ min: 0, max: 99 }),
            m: fc.integer({ min: 0, max: 999 }),
            s: fc.integer({ min: 0, max: 9_999 }),
          },
          { requiredKeys: [] },
        ),
        (parts) => {
          const text = (['d', 'h', 'm', 's'] as const)
            .filter((u) => parts[u] !== undefined)
            .map((u) => `${parts[u]}${u}`)
            .join('');
          const seconds =
            (parts.d ?? 0) * 86_400 + (parts.h ?? 0) * 3_600 + (parts.m ?? 0) * 60 + (parts.s ?? 0);
          const result = parseDuration(text);
          if (text === '' || seconds === 0) expect(result.ok).toBe(false);
          else expect(result).toEqual({ ok: true, value: seconds });
        },
      ),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [5_400, '1h30m'],
    [90, '1m30s'],
    [86_400, '1d'],
    [93_784, '1d2h3m4s'],
    [3_600, '1h'],
    [0, '0s'],
  ])('formats %i as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (seconds) => {
    expect(() => formatDuration(seconds)).toThrow(RangeError);
  });

  it('is the inverse of parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_SECONDS }), (seconds) => {
        const text = formatDuration(seconds);
        expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
        expect(text).toMatch(/^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/);
      }),
    );
  });

  it('gives the canonical form of any accepted text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_SECONDS }), (seconds) => {
        const canonical = formatDuration(seconds);
        const parsed = parseDuration(canonical.toUpperCase());
        expect(parsed.ok && formatDuration(parsed.value)).toBe(canonical);
      }),
    );
  });
});
