import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] as string);

describe('boundaries (STYLE.md): the core stays pure', () => {
  const core = [...filesUnder('src/domain'), ...filesUnder('src/app')];

  it.each(core)('%s imports no infrastructure and reads no environment', (file) => {
    const source = readFileSync(file, 'utf8');
    const infra = importsOf(file).filter(
      (spec) =>
        /^(@aws-sdk\/|@slack\/|mysql2|dynalite|pino)/.test(spec) ||
        spec.includes('/adapters/') ||
        spec.includes('/entry/'),
    );
    expect(infra).toEqual([]);
    expect(source).not.toMatch(/process\.env/);
  });

  it.each(filesUnder('src/domain'))('%s (domain) does not depend on the use cases', (file) => {
    expect(importsOf(file).filter((spec) => spec.includes('/app/'))).toEqual([]);
  });
});
