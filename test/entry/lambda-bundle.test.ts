/**
 * The bundled Lambdas load: each handler module exports a handler, and every chunk (the lazily loaded runtime
 * and adapters, with the bundle-time stand-ins for Socket Mode, Express, zod locales and CJK tables) evaluates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLambdas } from '../../scripts/bundle-lambdas.js';

const out = mkdtempSync(join(tmpdir(), 'drawbridge-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('build for both functions, export a handler, and every chunk evaluates', async () => {
    const bundles = await bundleLambdas(out);
    expect(bundles.map((b) => b.name)).toEqual(['slack', 'worker']);
    for (const bundle of bundles) {
      const entry = await import(`file://${bundle.entry}`);
      expect(typeof entry.handler).toBe('function');
      const dir = bundle.entry.replace(/\/index\.mjs$/, '');
      for (const chunk of readdirSync(dir)) await import(`file://${dir}/${chunk}`);
    }
  });

  it('leave out what the Lambdas never run, failing loudly if it is reached', async () => {
    const bundles = await bundleLambdas(out);
    const slack = bundles.find((b) => b.name === 'slack');
    const dir = slack?.entry.replace(/\/index\.mjs$/, '') ?? '';
    const text = readdirSync(dir)
      .map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
      .join('\n');
    expect(text).toContain('@slack/socket-mode is not part of the Lambda bundle');
    expect(text).not.toContain('SlackWebSocket');
  });
});
