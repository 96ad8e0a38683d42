/**
 * `npm run bundle`: the two Lambda functions for nodejs22.x in dist/lambda/<name>/ (index.mjs + chunks).
 * `@aws-sdk/*` stays external, as CDK's NodejsFunction does by default: the Node.js 22 runtime ships SDK v3.
 * Code splitting keeps the handler module small; the adapters an event needs load on first use.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const LAMBDAS = ['slack', 'worker'] as const;

/**
 * Packages shipped as a Lambda layer instead of inside each bundle: node-sql-parser's MariaDB grammar (260 KiB)
 * would take both functions past their 1.5 MB budget. The layer puts it under /opt/nodejs/node_modules,
 * where Node resolves it for the functions.
 */
export const LAYER_PACKAGES = ['node-sql-parser', 'big-integer'] as const;
/** What of each layer package the functions load (its package.json and licence come along). */
const LAYER_FILES: Readonly<Record<(typeof LAYER_PACKAGES)[number], readonly string[]>> = {
  'node-sql-parser': ['build/mariadb.js'],
  'big-integer': ['BigInteger.min.js', 'BigInteger.js'],
};
export const LAYER_DIR = 'layer';

/** Packages the Lambdas carry but can never use: a stand-in that fails loudly if it is ever reached. */
const NEVER_IN_LAMBDA = /^(@slack\/socket-mode|express)$/;

/**
 * Code the Lambdas can never run, replaced at bundle time. Each stand-in fails loudly if reached, so a
 * wrong assumption shows as an error, not as silent misbehaviour:
 * - Socket Mode (its websocket stack) and Express (Bolt's ExpressReceiver): Slack arrives over the Function
 *   URL through AwsLambdaReceiver;
 * - zod's error messages in languages other than English;
 * - iconv-lite's CJK double-byte tables: Drawbridge talks utf8mb4 to MySQL (a DBCS column would not decode).
 */
const trimForLambda: Plugin = {
  name: 'trim-for-lambda',
  setup(b) {
    b.onResolve({ filter: NEVER_IN_LAMBDA }, (args) => ({ path: args.path, namespace: 'lambda-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'lambda-stub' }, (args) => ({
      contents: [
        `const missing = () => { throw new Error('${args.path} is not part of the Lambda bundle'); };`,
        'class SocketModeClient { constructor() { missing(); } }',
        'module.exports = Object.assign(missing, { default: missing, Router: missing, SocketModeClient });',
      ].join('\n'),
      loader: 'js',
    }));
    b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
      resolveDir: 'node_modules/zod/v4/locales',
    }));
    b.onLoad({ filter: /iconv-lite[\\/]encodings[\\/]dbcs-data\.js$/ }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

export interface BundleResult {
  name: string;
  /** The handler module Lambda loads (`index.handler`). */
  entry: string;
  /** Every file of the function, chunks included. */
  bytes: number;
  entryBytes: number;
}

export async function bundleLambdas(outdir = 'dist/lambda'): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const name of LAMBDAS) {
    const dir = `${outdir}/${name}`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await build({
      entryPoints: { index: `src/entry/lambda/${name}.ts` },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      legalComments: 'none',
      external: ['@aws-sdk/*', ...LAYER_PACKAGES.map((p) => `${p}/*`), ...LAYER_PACKAGES],
      plugins: [trimForLambda],
      // CommonJS dependencies call require(); give the ESM chunks one.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'warning',
    });
    const files = readdirSync(dir).map((f) => statSync(`${dir}/${f}`).size);
    results.push({
      name,
      entry: `${dir}/index.mjs`,
      bytes: files.reduce((a, b) => a + b, 0),
      entryBytes: statSync(`${dir}/index.mjs`).size,
    });
  }
  bundleLayer(outdir);
  return results;
}

/** The layer: each package's package.json and the files the functions import, as nodejs/node_modules/<pkg>. */
function bundleLayer(outdir: string): void {
  const root = `${outdir}/${LAYER_DIR}/nodejs/node_modules`;
  rmSync(`${outdir}/${LAYER_DIR}`, { recursive: true, force: true });
  for (const pkg of LAYER_PACKAGES) {
    const target = `${root}/${pkg}`;
    for (const file of ['package.json', ...LAYER_FILES[pkg]]) {
      mkdirSync(dirname(`${target}/${file}`), { recursive: true });
      cpSync(`node_modules/${pkg}/${file}`, `${target}/${file}`);
    }
    for (const licence of ['LICENSE', 'LICENSE.txt', 'LICENSE.md'])
      if (existsSync(`node_modules/${pkg}/${licence}`))
        cpSync(`node_modules/${pkg}/${licence}`, `${target}/${licence}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await bundleLambdas()) {
    process.stdout.write(
      `${r.entry}  ${(r.entryBytes / 1024).toFixed(0)} KiB (function total ${(r.bytes / 1024).toFixed(0)} KiB)\n`,
    );
  }
}
