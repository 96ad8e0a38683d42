/**
 * The bundled Lambdas load: each handler module exports a handler, and every chunk (the lazily loaded runtime
 * and adapters, with the bundle-time stand-ins for Socket Mode, Express, zod locales and CJK tables) evaluates.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLambdas } from '../../scripts/bundle-lambdas.js';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'drawbridge-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('Lambda bundles', () => {
  it('build for both functions, export a handler, and every chunk evaluates — with the layer where Lambda puts it', async () => {
    const bundles = await bundleLambdas(out);
    expect(bundles.map((b) => b.name)).toEqual(['slack', 'worker']);
    // In a fresh process outside the checkout, as on Lambda: the runtime's AWS SDK beside the function (here a
    // link to the checkout's), the parser only in the layer, found through NODE_PATH (/opt/nodejs/node_modules).
    mkdirSync(join(out, 'node_modules'), { recursive: true });
    if (!existsSync(join(out, 'node_modules', '@aws-sdk')))
      symlinkSync(resolve('node_modules/@aws-sdk'), join(out, 'node_modules', '@aws-sdk'));
    const script = `
      const dir = process.argv[1];
      const entry = await import('file://' + dir + '/index.mjs');
      if (typeof entry.handler !== 'function') throw new Error('no handler');
      for (const chunk of (await import('node:fs')).readdirSync(dir)) await import('file://' + dir + '/' + chunk);
      process.stdout.write('loaded');`;
    for (const bundle of bundles) {
      const dir = bundle.entry.replace(/\/index\.mjs$/, '');
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, dir], {
        cwd: out,
        env: { ...process.env, NODE_PATH: join(out, 'layer', 'nodejs', 'node_modules') },
      });
      expect(stdout).toBe('loaded');
      // No copy of the parser in the function itself: it is the layer's.
      const text = readdirSync(dir)
        .map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
        .join('\n');
      expect(text).not.toContain('peg$SyntaxError');
    }
    expect(readdirSync(join(out, 'layer', 'nodejs', 'node_modules', 'node-sql-parser', 'build'))).toEqual([
      'mariadb.js',
    ]);
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
