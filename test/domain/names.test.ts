import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dbUserNameCandidates,
  isReservedDbUserName,
  isValidDbUserName,
  parseEmail,
  userPrefixProblem,
} from '../../src/domain/names.js';

const NAME = /^[a-z0-9_]{1,32}$/;

describe('dbUserNameCandidates', () => {
  it('puts a target prefix before every candidate, all within 32 characters', () => {
    const candidates = dbUserNameCandidates(`${'x'.repeat(40)}@example.com`, 'U1', 'dbx_');
    expect(candidates[0]).toBe(`dbx_${'x'.repeat(28)}`);
    for (const name of candidates) {
      expect(name.startsWith('dbx_')).toBe(true);
      expect(name.length).toBeLessThanOrEqual(32);
    }
    expect(dbUserNameCandidates('app@example.com', 'U1', 'dbx_')[0]).toBe('dbx_app');
  });

  it.each([
    ['dbx_', undefined],
    ['d', undefined],
    ['Dbx_', 'expected 1 to 12 characters'],
    ['_x', 'expected 1 to 12 characters'],
    ['dbx-', 'expected 1 to 12 characters'],
    ['abcdefghijklm', 'expected 1 to 12 characters'],
    ['rds_', 'reserved'],
    ['drawbridge_', 'reserved'],
  ])('userPrefix %j → %s', (prefix, problem) => {
    const found = userPrefixProblem(prefix);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it.each([
    ['ada.lovelace@example.com', 'ada_lovelace'],
    ['Ada.Lovelace@Example.com', 'ada_lovelace'],
    ['grace-hopper@example.com', 'grace_hopper'],
    ['ada+drawbridge@example.com', 'ada'],
    ['o’brien@example.com', 'obrien'],
    ['josé.núñez@example.com', 'jose_nunez'],
    ['a..b--c@example.com', 'a_b_c'],
    ['.ada.@example.com', 'ada'],
    ['42@example.com', 'u_42'],
    ['9lives@example.com', 'u_9lives'],
    ['+tag@example.com', 'u_'],
    ['日本@example.com', 'u_'],
    ['a.very.long.local.part.that.goes.on.and.on@example.com', 'a_very_long_local_part_that_goes'],
    ['weird"name"@example.com', 'weirdname'],
    ['first@last@example.com', 'firstlast'],
    ['no-at-sign', 'no_at_sign'],
  ])('bases %j on %j', (email, base) => {
    expect(dbUserNameCandidates(email, 'U0123ABCD')[0]).toBe(base);
  });

  it('follows the base with a short and then a long suffix derived from the Slack user id', () => {
    const [base, short, long] = dbUserNameCandidates('ada.lovelace@example.com', 'U0REQUESTER');
    expect(base).toBe('ada_lovelace');
    expect(short).toMatch(/^ada_lovelace_[a-z2-7]{6}$/);
    expect(long).toMatch(/^ada_lovelace_[a-z2-7]{12}$/);
    expect(long!.slice(-12).startsWith(short!.slice(-6))).toBe(true);
  });

  it('cuts a long base so that a suffixed name still fits in 32 characters', () => {
    const candidates = dbUserNameCandidates(`${'x'.repeat(40)}@example.com`, 'U1');
    expect(candidates.map((c) => c.length)).toEqual([32, 32, 32]);
    expect(candidates[1]).toMatch(/^x{25}_[a-z2-7]{6}$/);
    expect(candidates[2]).toMatch(/^x{19}_[a-z2-7]{12}$/);
  });

  it('does not leave a double underscore where the base is cut on one', () => {
    const candidates = dbUserNameCandidates(`${'a'.repeat(24)}.bcdefgh@example.com`, 'U1');
    expect(candidates[1]).toMatch(/^a{24}_[a-z2-7]{6}$/);
  });

  it.each([
    ['root@example.com', /^root_[a-z2-7]{6}$/],
    ['mysql@example.com', /^u_mysql_[a-z2-7]{6}$/],
    ['drawbridge.bot@example.com', /^u_drawbridge_bot_[a-z2-7]{6}$/],
    ['rds_admin@example.com', /^u_rds_admin_[a-z2-7]{6}$/],
  ])('never offers a reserved name: %j starts with a suffixed one', (email, first) => {
    const candidates = dbUserNameCandidates(email, 'U0123ABCD');
    expect(candidates[0]).toMatch(first);
    expect(candidates.every((c) => !isReservedDbUserName(c))).toBe(true);
  });

  it('gives only valid names, the same ones every time, for any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.emailAddress(), fc.string(), fc.string({ unit: 'binary' })),
        fc.string(),
        (email, id) => {
          const candidates = dbUserNameCandidates(email, id);
          expect(candidates.length).toBeGreaterThanOrEqual(2);
          for (const candidate of candidates) {
            expect(candidate).toMatch(NAME);
            expect(isValidDbUserName(candidate)).toBe(true);
          }
          expect(new Set(candidates).size).toBe(candidates.length);
          expect(dbUserNameCandidates(email, id)).toEqual(candidates);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('gives different suffixes to different users with the same base', () => {
    const ids = fc.stringMatching(/^U[A-Z0-9]{8,10}$/);
    fc.assert(
      fc.property(fc.uniqueArray(ids, { minLength: 2, maxLength: 2 }), ([a, b]) => {
        const first = dbUserNameCandidates('ada@example.com', a!);
        const second = dbUserNameCandidates('ada@example.com', b!);
        expect(first[0]).toBe(second[0]);
        expect(first[1]).not.toBe(second[1]);
        expect(first[2]).not.toBe(second[2]);
      }),
      { numRuns: 1_000 },
    );
  });

  it('has no short-suffix collision among 5,000 users sharing a base', () => {
    const suffixes = new Set(
      Array.from({ length: 5_000 }, (_, i) => dbUserNameCandidates('ada@example.com', `U${i}`)[1]),
    );
    expect(suffixes.size).toBe(5_000);
  });
});

describe('isValidDbUserName', () => {
  it.each(['ada', 'ada_lovelace', 'u_42', 'a'.repeat(32), '_x'])('accepts %j', (name) => {
    expect(isValidDbUserName(name)).toBe(true);
  });

  it.each([
    '',
    'a'.repeat(33),
    'Ada',
    'ada-lovelace',
    'ada.lovelace',
    "ada'--",
    'root',
    'mysql',
    'rdsadmin',
    'drawbridge_demo_read',
    'mysql_anything',
  ])('refuses %j', (name) => {
    expect(isValidDbUserName(name)).toBe(false);
  });
});

describe('parseEmail', () => {
  it('accepts an address and trims it', () => {
    expect(parseEmail(' ada.lovelace+x@example.com ')).toEqual({
      ok: true,
      value: 'ada.lovelace+x@example.com',
    });
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'ada lovelace@example.com', 'ada@@example.com'])(
    'refuses %j with a message that shows an example',
    (text) => {
      const result = parseEmail(text);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid_email');
        expect(result.error.message).toContain('ada.lovelace@example.com');
      }
    },
  );

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(typeof parseEmail(text).ok).toBe('boolean');
      }),
    );
  });
});
