import { describe, expect, it } from 'vitest';
import { findUnstorable } from '../../../src/adapters/dynamodb/plain-data.js';

describe('findUnstorable', () => {
  it.each([
    ['a string', { a: 'x', b: '' }],
    ['nested lists and maps', { a: [1, 'two', null, true, { b: [0.25] }] }],
    ['a null-prototype map', { a: Object.assign(Object.create(null), { b: 1 }) }],
    ['an absent optional attribute', { a: undefined }],
  ])('accepts %s', (_label, value) => {
    expect(findUnstorable(value)).toBeUndefined();
  });

  it.each([
    ['a key named constructor', { details: { constructor: 'x' } }, 'details.constructor'],
    ['a key named __proto__', JSON.parse('{"details":{"__proto__":1}}'), 'details.__proto__'],
    ['a Date', { at: new Date(0) }, 'at: only plain objects'],
    ['an unsafe integer', { n: 2 ** 60 }, 'n:'],
    ['NaN', { list: [1, Number.NaN] }, 'list.1:'],
    ['a hole in a list', { list: [1, undefined, 2] }, 'list.1:'],
    ['a function', { f: () => 1 }, 'f: a function'],
    ['a bigint', { b: 1n }, 'b: a bigint'],
  ])('refuses %s and names its path', (_label, value, expected) => {
    expect(findUnstorable(value)).toContain(expected);
  });
});
