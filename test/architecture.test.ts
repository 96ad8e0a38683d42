import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports, types included (`from '…'`, `import('…')`). */
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );

/** A relative specifier as the source file it names (`src/domain/ports.ts`). */
const resolveLocal = (file: string, spec: string) =>
  normalize(relative('.', join(dirname(file), spec))).replace(/\.js$/, '.ts');

const layerOf = (file: string) => file.split('/')[1] as string;

/**
 * Which layers each layer may import. domain: the model and the ports, nothing else; app: the use cases;
 * adapters: the driven side (AWS, DynamoDB, MySQL, the local bastion, logging), each implementing a domain
 * port; slack: the Slack app, its blocks and its delivery adapters (Slack is both a driver and a driven side);
 * config: the config file's schema, values and loading; entry: wiring and commands.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['domain'],
  app: ['app', 'domain'],
  adapters: ['adapters', 'domain'],
  slack: ['slack', 'app', 'domain'],
  config: ['config', 'domain'],
  entry: ['entry', 'config', 'slack', 'app', 'adapters', 'domain'],
};

const sources = filesUnder('src');
const localImports = new Map(
  sources.map((file) => [
    file,
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveLocal(file, spec)),
  ]),
);

describe('boundaries: each layer imports only downwards', () => {
  it('knows every layer', () => {
    expect([...new Set(sources.map(layerOf))].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it.each(sources)('%s', (file) => {
    const allowed = MAY_IMPORT[layerOf(file)] ?? [];
    const wrongWay = (localImports.get(file) ?? []).filter((target) => !allowed.includes(layerOf(target)));
    expect(wrongWay).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of localImports.get(file) ?? []) {
        if (!localImports.has(next)) continue;
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of sources) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});

describe('the core stays pure', () => {
  const core = [...filesUnder('src/domain'), ...filesUnder('src/app')];

  it.each(core)('%s imports no infrastructure and reads no environment', (file) => {
    const source = readFileSync(file, 'utf8');
    const infra = importsOf(file).filter((spec) =>
      /^(@aws-sdk\/|@slack\/|@smithy\/|mysql2|dynalite|pino)/.test(spec),
    );
    expect(infra).toEqual([]);
    expect(source).not.toMatch(/process\.env/);
  });
});
