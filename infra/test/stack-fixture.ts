import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { bundleLambdas } from '../../scripts/bundle-lambdas.js';
import { DrawbridgeStack } from '../lib/drawbridge-stack.js';
import { type InfraProps, infraPropsSchema } from '../lib/props.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const EXAMPLE_PROPS_FILE = 'infra/drawbridge-infra.example.json';

/** The example props file, as the app reads it. */
export function exampleProps(overrides: Partial<InfraProps> = {}): InfraProps {
  const raw = JSON.parse(readFileSync(EXAMPLE_PROPS_FILE, 'utf8')) as Record<string, unknown>;
  return { ...infraPropsSchema.parse(raw), ...overrides };
}

/** Bundles both Lambdas into a fresh temporary folder (never dist/, which other suites rebuild). */
export async function bundleToTemp(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-lambda-'));
  await bundleLambdas(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The whole stack from the example props (overridable), in a fixed account and region. */
export function synthStack(bundleDir: string, overrides: Partial<InfraProps> = {}) {
  const props = exampleProps({ lambdaBundleDir: bundleDir, ...overrides });
  const stack = new DrawbridgeStack(new App(), 'Drawbridge', {
    ...props,
    env: { account: ACCOUNT, region: REGION },
  });
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return { stack, template, logicalId, props };
}

/** `{ Ref }` / `{ Fn::GetAtt: [id, 'Arn'] }`, as the template writes references. */
export const ref = (id: string) => ({ Ref: id });
export const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
