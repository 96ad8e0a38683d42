import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globToRegExp, protectedTableMatcher } from '../../src/domain/protected-tables.js';

describe('protected-table patterns', () => {
  it.each([
    ['secret_*', 'secret_keys', true],
    ['secret_*', 'secret_', true],
    ['secret_*', 'SECRET_Keys', true],
    ['secret_*', 'my_secret_keys', false],
    ['secret_*', 'secretkeys', false],
    ['*_pii', 'users_pii', true],
    ['*_pii', 'users_pii_archive', false],
    ['user?', 'users', true],
    ['user?', 'user', false],
    ['user?', 'userss', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['t(1)+[x]', 't(1)+[x]', true],
    ['pay$^', 'pay$^', true],
    ['*', 'anything', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['back\\slash', 'back\\slash', true],
  ])('%s matches %s: %s', (pattern, table, expected) => {
    expect(protectedTableMatcher([pattern])(table)).toBe(expected);
  });

  it('matches when any pattern matches and nothing when there is no pattern', () => {
    const isProtected = protectedTableMatcher(['secret_*', '*_pii']);
    expect(isProtected('secret_a')).toBe(true);
    expect(isProtected('b_pii')).toBe(true);
    expect(isProtected('orders')).toBe(false);
    expect(protectedTableMatcher([])('secret_a')).toBe(false);
  });

  const literal = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[*?]/.test(s));

  it('a pattern without wildcards matches exactly that name, in any case', () => {
    fc.assert(
      fc.property(literal, literal, (a, b) => {
        const re = globToRegExp(a);
        expect(re.test(a)).toBe(true);
        expect(re.test(a.toUpperCase())).toBe(true);
        expect(re.test(b)).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });

  it('prefix* matches every name that starts with the prefix and nothing else', () => {
    fc.assert(
      fc.property(
        literal,
        fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 12 }),
        (prefix, rest, other) => {
          const isProtected = protectedTableMatcher([`${prefix}*`]);
          expect(isProtected(prefix + rest)).toBe(true);
          expect(isProtected(other)).toBe(other.toLowerCase().startsWith(prefix.toLowerCase()));
        },
      ),
    );
  });

  it('? stands for exactly one character', () => {
    fc.assert(
      fc.property(
        literal,
        fc.string({ minLength: 0, maxLength: 3, unit: 'grapheme-ascii' }),
        (base, tail) => {
          expect(protectedTableMatcher([`${base}?`])(base + tail)).toBe(tail.length === 1);
        },
      ),
    );
  });
});
