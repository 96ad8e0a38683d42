/**
 * Lambda figures (DESIGN §5): bundle size of each function (target < 1.5 MB) and the cold import time of
 * its handler module in a fresh Node process (target < 250 ms), median of several cold starts.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { bundleLambdas } from '../scripts/bundle-lambdas.js';
import { percentile } from './stats.js';

export interface LambdaBench {
  name: string;
  bytes: number;
  importMsP50: number;
  importMsMax: number;
  runs: number;
}

/** One fresh process: time from before `import()` of the bundle to the handler being exported. */
function coldImportMs(file: string): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(`file://${resolve(file)}`)}); if (typeof m.handler !== 'function') process.exit(2); process.stdout.write(String(performance.now() - t));`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    }).toString(),
  );
}

export async function runLambdaBench(runs = 7): Promise<LambdaBench[]> {
  const bundles = await bundleLambdas('dist/bench-lambda');
  return bundles.map((b) => {
    const samples = Array.from({ length: runs }, () => coldImportMs(b.file));
    return { name: b.name, bytes: b.bytes, importMsP50: percentile(samples, 50), importMsMax: Math.max(...samples), runs };
  });
}
