import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/**
 * Thrown errors are typed (DrawbridgeError takes an ErrorCode); a Result's error is a plain object, so every
 * `code: '…'` written in src/ is checked here against the closed set. zod's own issue code `custom` is not ours.
 */
describe('error codes', () => {
  it('every code written in src/ is one of ERROR_CODES', () => {
    const known = new Set<string>(ERROR_CODES);
    const unknown = filesUnder('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bcode: '([a-z_]+)'/g)]
        .map((m) => m[1] as string)
        .filter((code) => code !== 'custom' && !known.has(code))
        .map((code) => `${file}: ${code}`),
    );
    expect(unknown).toEqual([]);
  });

  it('has each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
