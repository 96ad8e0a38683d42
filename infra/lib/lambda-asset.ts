import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/** The file name the Lambdas read their config from (DRAWBRIDGE_CONFIG=./drawbridge.yaml). */
export const CONFIG_FILE_NAME = 'drawbridge.yaml';

export interface LambdaAssetOptions {
  /** `slack` or `worker`: the folder under bundleDir. */
  name: string;
  /** Where `npm run bundle` wrote dist/lambda/<name>/index.mjs and its chunks. */
  bundleDir: string;
  /** The Drawbridge config (mode: aws) shipped beside the handler as drawbridge.yaml. */
  configFile: string;
}

/**
 * Stages one function's code: the esbuild bundle plus the config file as drawbridge.yaml, in a folder of the
 * cloud assembly (`<outdir>/drawbridge-staging/<name>`), and returns the path for `Code.fromAsset`. CDK hashes
 * the folder's content, so a changed config alone redeploys the functions. Throws when the bundle or the
 * config is missing — synthesizing without the code would deploy a function that cannot start.
 */
export function stageLambdaAsset(scope: Construct, options: LambdaAssetOptions): string {
  const bundle = resolve(options.bundleDir, options.name);
  if (!existsSync(join(bundle, 'index.mjs'))) {
    throw new Error(
      `the ${options.name} Lambda bundle ${join(bundle, 'index.mjs')} is missing: run npm run bundle`,
    );
  }
  const config = resolve(options.configFile);
  if (!existsSync(config)) {
    throw new Error(`the Drawbridge config ${config} (configFile) is missing`);
  }
  const outdir = Stage.of(scope)?.outdir;
  if (outdir === undefined) throw new Error(`${scope.node.path} is not inside a CDK App or Stage`);
  const staged = join(outdir, 'drawbridge-staging', options.name);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  cpSync(bundle, staged, { recursive: true });
  cpSync(config, join(staged, CONFIG_FILE_NAME));
  return staged;
}

/** `Code.fromAsset` of the staged folder. */
export function lambdaCode(scope: Construct, options: LambdaAssetOptions): lambda.Code {
  return lambda.Code.fromAsset(stageLambdaAsset(scope, options));
}

/** The layer `npm run bundle` wrote beside the functions (dist/lambda/layer): the SQL parser of runs. */
export function sqlParserLayer(scope: Construct, bundleDir: string): lambda.LayerVersion {
  const dir = resolve(bundleDir, 'layer');
  if (!existsSync(join(dir, 'nodejs', 'node_modules', 'node-sql-parser', 'build', 'mariadb.js')))
    throw new Error(`the Lambda layer ${dir} is missing: run npm run bundle`);
  return new lambda.LayerVersion(scope, 'SqlParserLayer', {
    code: lambda.Code.fromAsset(dir),
    compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    description: 'node-sql-parser (MariaDB grammar): checks the SQL of Drawbridge runs',
  });
}
