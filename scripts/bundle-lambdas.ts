/**
 * `npm run bundle`: the two Lambda functions as single ESM files for nodejs22.x, in dist/lambda/<name>/index.mjs.
 * `@aws-sdk/*` stays external, as CDK's NodejsFunction does by default: the Node.js 22 runtime ships SDK v3.
 */
import { mkdirSync, statSync } from 'node:fs';
import { build } from 'esbuild';

export const LAMBDAS = ['slack', 'worker'] as const;

export async function bundleLambdas(outdir = 'dist/lambda'): Promise<{ name: string; file: string; bytes: number }[]> {
  const results = [];
  for (const name of LAMBDAS) {
    const file = `${outdir}/${name}/index.mjs`;
    mkdirSync(`${outdir}/${name}`, { recursive: true });
    await build({
      entryPoints: [`src/entry/lambda/${name}.ts`],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      treeShaking: true,
      legalComments: 'none',
      external: ['@aws-sdk/*'],
      // CommonJS dependencies call require(); give the ESM bundle one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    });
    results.push({ name, file, bytes: statSync(file).size });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await bundleLambdas()) process.stdout.write(`${r.file}  ${(r.bytes / 1024).toFixed(0)} KiB\n`);
}
