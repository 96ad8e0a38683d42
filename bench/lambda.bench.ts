/**
 * Lambda figures: bundle size of each function (target < 1.5 MB) and the cold import time of
 * its handler module in a fresh Node process (target < 250 ms), median of several cold starts.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { bundleLambdas } from '../scripts/bundle-lambdas.js';
import { percentile } from './stats.js';

export interface LambdaBench {
  name: string;
  /** Every file of the function. */
  bytes: number;
  entryBytes: number;
  importMsP50: number;
  importMsMax: number;
  /** Loading everything the first event of each kind can need (runtime, Bolt or the adapters, AWS clients). */
  firstEventLoadMsP50: number;
  runs: number;
}

/** One fresh process running `script`, which prints a number of milliseconds. */
function inFreshProcess(script: string): number {
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }).toString(),
  );
}

/** Time from before `import()` of the handler module to the handler being exported. */
const coldImport = (file: string) =>
  `const t = performance.now(); const m = await import(${JSON.stringify(`file://${resolve(file)}`)}); if (typeof m.handler !== 'function') process.exit(2); process.stdout.write(String(performance.now() - t));`;

/**
 * The worst first event: every chunk of the function plus the AWS SDK clients it may load (no network:
 * the clients are loaded, not called). This is the code-loading part of a cold start a handler import defers.
 */
function loadEverything(dir: string, name: string): string {
  const clients = ['client-dynamodb', 'client-ssm', 'client-ec2', 'client-scheduler', 'client-lambda'].map(
    (c) => `'@aws-sdk/${c}'`,
  );
  return `import { readdirSync } from 'node:fs';
const t = performance.now();
for (const f of readdirSync(${JSON.stringify(resolve(dir))})) await import(${JSON.stringify(`file://${resolve(dir)}/`)} + f);
for (const c of [${clients.join(', ')}]) await import(c);
process.stdout.write(String(performance.now() - t)); // ${name}`;
}

export async function runLambdaBench(runs = 7): Promise<LambdaBench[]> {
  const bundles = await bundleLambdas('dist/bench-lambda');
  return bundles.map((b) => {
    const imports = Array.from({ length: runs }, () => inFreshProcess(coldImport(b.entry)));
    const dir = b.entry.replace(/\/index\.mjs$/, '');
    const everything = Array.from({ length: runs }, () => inFreshProcess(loadEverything(dir, b.name)));
    return {
      name: b.name,
      bytes: b.bytes,
      entryBytes: b.entryBytes,
      importMsP50: percentile(imports, 50),
      importMsMax: Math.max(...imports),
      firstEventLoadMsP50: percentile(everything, 50),
      runs,
    };
  });
}
