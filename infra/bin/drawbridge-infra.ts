/**
 * The CDK app: `npx cdk synth|deploy` (cdk.json runs this file) or `npm run synth`, which runs it directly and
 * writes cdk.out offline — no AWS credentials, no lookups (the VPC and subnets come from the props).
 * Props come from context `drawbridge` or the file named by context `drawbridgePropsFile` (see load-props.ts).
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { DrawbridgeStack } from '../lib/drawbridge-stack.js';
import { loadInfraProps } from '../lib/load-props.js';

/**
 * cdk.json's context. The CDK CLI passes it in CDK_CONTEXT_JSON, which overrides this; read here too so that
 * running the app without the CLI (`npm run synth`) sees the same context.
 */
function cdkJsonContext(): Record<string, unknown> {
  try {
    const json = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context?: Record<string, unknown> };
    return json.context ?? {};
  } catch {
    return {};
  }
}

const app = new App({ context: cdkJsonContext(), outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
const props = loadInfraProps((key) => app.node.tryGetContext(key));
if (!props.ok) {
  process.stderr.write(
    `Drawbridge infra props are invalid:\n${props.error.problems.map((p) => `  ${p}\n`).join('')}`,
  );
  process.exit(1);
}
new DrawbridgeStack(app, 'Drawbridge', {
  ...props.value,
  // Unset without credentials: the stack is then environment-agnostic (region and account as CloudFormation
  // pseudo parameters), which is all synth needs.
  env: {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  },
});
// The CDK CLI refuses to deploy a stack with error annotations; without the CLI, say so here too.
const errors = app
  .synth()
  .stacks.flatMap((stack) =>
    stack.messages.filter((m) => m.level === 'error').map((m) => `  ${m.id}: ${String(m.entry.data)}\n`),
  );
if (errors.length > 0) {
  process.stderr.write(`Drawbridge cannot be deployed as configured:\n${errors.join('')}`);
  process.exit(1);
}
