import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DrawbridgeError, PasswordRefusedError } from '../../src/domain/errors.js';
import {
  generatePassword,
  meetsPasswordPolicy,
  PASSWORD_ALPHABET,
  PASSWORD_POLICY_TRIES,
  uniformIndices,
  withAcceptedPassword,
} from '../../src/domain/password.js';
import type { Random } from '../../src/domain/ports.js';

const cryptoRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

/** A seeded xorshift32: the same seed gives the same bytes, so failures replay. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 1;
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        out[i] = state & 0xff;
      }
      return out;
    },
  };
}

/** Bytes from a fixed script, repeated. */
function scriptedRandom(script: readonly number[]): Random {
  let i = 0;
  return { bytes: (n) => Uint8Array.from({ length: n }, () => script[i++ % script.length]!) };
}

const SHELL_TROUBLE = /['"$\\`! #&;|*?~%@:<>(){}[\]]/;

describe('generatePassword', () => {
  it('gives 32 characters of the shell-safe alphabet that meet the policy, from a crypto source', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(cryptoRandom);
      expect(password).toHaveLength(32);
      expect([...password].every((c) => PASSWORD_ALPHABET.includes(c))).toBe(true);
      expect(password).not.toMatch(SHELL_TROUBLE);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[-_.,+=]/);
      expect(password).not.toMatch(/(.)\1\1/);
    }
  });

  it('has no shell-troublesome character in its alphabet', () => {
    expect(PASSWORD_ALPHABET).not.toMatch(SHELL_TROUBLE);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(PASSWORD_ALPHABET.length);
  });

  it('honours the requested length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 256 }), fc.integer(), (length, seed) => {
        const password = generatePassword(seededRandom(seed), length);
        expect(password).toHaveLength(length);
        expect(meetsPasswordPolicy(password)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is a function of the random bytes', () => {
    expect(generatePassword(seededRandom(42))).toBe(generatePassword(seededRandom(42)));
    expect(generatePassword(seededRandom(42))).not.toBe(generatePassword(seededRandom(43)));
  });

  it('does not repeat itself over 10,000 crypto draws', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => generatePassword(cryptoRandom)));
    expect(seen.size).toBe(10_000);
  });

  it.each([0, 11, 257, 12.5, Number.NaN])('refuses length %d', (length) => {
    expect(() => generatePassword(cryptoRandom, length)).toThrow(RangeError);
  });

  it('throws a typed error rather than looping when the random source is constant', () => {
    expect(() => generatePassword(scriptedRandom([7]))).toThrow(DrawbridgeError);
  });

  it('throws a typed error when the random source only returns rejected bytes', () => {
    expect(() => generatePassword(scriptedRandom([255]))).toThrow(/random source/);
  });

  it('spreads characters evenly over the alphabet (chi-square, seeded)', () => {
    const counts = new Map<string, number>();
    const random = seededRandom(20_240_601);
    for (let i = 0; i < 3_000; i++) {
      for (const c of generatePassword(random)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const total = 3_000 * 32;
    // Class minimums tilt the counts a little towards the rarer classes; the bound allows that, while a
    // modulo bias (the first 52 characters twice as likely from bytes 204–255) would be far above it.
    const expected = total / PASSWORD_ALPHABET.length;
    const chiSquare = [...PASSWORD_ALPHABET].reduce(
      (sum, c) => sum + ((counts.get(c) ?? 0) - expected) ** 2 / expected,
      0,
    );
    expect(counts.size).toBe(PASSWORD_ALPHABET.length);
    expect(chiSquare).toBeLessThan(150);
  });
});

describe('uniformIndices', () => {
  it('discards bytes at or above the largest multiple of the size', () => {
    // 256 - 256 % 68 = 204: bytes 204..255 would favour the first 52 characters, so they are skipped.
    expect(uniformIndices(scriptedRandom([204, 255, 0, 67, 68, 203]), 68, 4)).toEqual([0, 67, 0, 67]);
  });

  it('maps one full cycle of bytes onto every index equally often', () => {
    const indices = uniformIndices(scriptedRandom(Array.from({ length: 256 }, (_, i) => i)), 68, 204);
    const counts = new Array(68).fill(0);
    for (const i of indices) counts[i]++;
    expect(counts).toEqual(new Array(68).fill(3));
  });

  it('keeps every index in range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 256 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer(),
        (size, count, seed) => {
          const indices = uniformIndices(seededRandom(seed), size, count);
          expect(indices).toHaveLength(count);
          expect(indices.every((i) => Number.isInteger(i) && i >= 0 && i < size)).toBe(true);
        },
      ),
    );
  });
});

describe('meetsPasswordPolicy', () => {
  it.each([
    ['Abcdef1-ghij', true],
    ['abcdef1-ghij', false],
    ['ABCDEF1-GHIJ', false],
    ['Abcdefg-hijk', false],
    ['Abcdef1ghijk', false],
    ['Abcccdef1-gh', false],
  ])('%j → %s', (password, verdict) => {
    expect(meetsPasswordPolicy(password)).toBe(verdict);
  });
});

describe('withAcceptedPassword', () => {
  const refused = () =>
    new PasswordRefusedError(
      'rotate-password',
      'Your password does not satisfy the current policy requirements',
    );

  it('tries a fresh password while the server policy refuses one, and returns the one accepted', async () => {
    const tried: string[] = [];
    const accepted = await withAcceptedPassword(cryptoRandom, async (password) => {
      tried.push(password);
      if (tried.length < 3) throw refused();
    });
    expect(tried).toHaveLength(3);
    expect(new Set(tried).size).toBe(3);
    expect(accepted).toBe(tried[2]);
  });

  it('gives up after the bounded number of tries with the refusal', async () => {
    let tries = 0;
    const using = withAcceptedPassword(cryptoRandom, async () => {
      tries++;
      throw refused();
    });
    await expect(using).rejects.toBeInstanceOf(PasswordRefusedError);
    expect(tries).toBe(PASSWORD_POLICY_TRIES);
  });

  it('does not retry any other failure', async () => {
    let tries = 0;
    const failure = new Error('connection lost');
    await expect(
      withAcceptedPassword(cryptoRandom, async () => {
        tries++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(tries).toBe(1);
  });
});
