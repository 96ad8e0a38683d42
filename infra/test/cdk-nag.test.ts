/**
 * cdk-nag's AwsSolutions pack on the whole stack (cdk-nag 3, a CDK validation plugin). Every finding is
 * either fixed in the constructs or acknowledged with its reason in lib/nag-acknowledgements.ts; this shows
 * that nothing else is reported, and that each acknowledgement answers a finding the pack really makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DrawbridgeStack } from '../lib/drawbridge-stack.js';
import * as acknowledgements from '../lib/nag-acknowledgements.js';
import { ACCOUNT, bundleToTemp, exampleProps, REGION } from './stack-fixture.js';

let acknowledge = true;
vi.mock('../lib/nag-acknowledgements.js', async (original) => {
  const real = await original<typeof import('../lib/nag-acknowledgements.js')>();
  return {
    ...real,
    acknowledgeReviewedFindings: (stack: DrawbridgeStack) => {
      if (acknowledge) real.acknowledgeReviewedFindings(stack);
    },
  };
});

interface Finding {
  rule: string;
  path: string;
}

let bundle: { dir: string; remove: () => void };
beforeAll(async () => {
  bundle = await bundleToTemp();
}, 120_000);
afterAll(() => bundle.remove());

/** Synthesizes the example stack with the AwsSolutions pack; every finding it reports. */
function nag(): { stack: DrawbridgeStack; findings: Finding[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'drawbridge-nag-'));
  try {
    const app = new App({ outdir });
    const stack = new DrawbridgeStack(app, 'Drawbridge', {
      ...exampleProps({ lambdaBundleDir: bundle.dir }),
      env: { account: ACCOUNT, region: REGION },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch {
      // A finding fails the synth; the report says which.
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const findings = report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath })),
      ),
    );
    return { stack, findings };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing on the stack', () => {
    acknowledge = true;
    expect(nag().findings).toEqual([]);
  });

  it('acknowledges exactly what it would report otherwise, each with a reason', () => {
    acknowledge = false;
    const { stack, findings } = nag();
    acknowledge = true;
    const reviewed = acknowledgements.reviewedFindings(stack);

    const covered = (f: Finding) =>
      reviewed.some(
        (a) => a.id === f.rule && (f.path === a.on.node.path || f.path.startsWith(`${a.on.node.path}/`)),
      );
    expect(findings.filter((f) => !covered(f))).toEqual([]);
    const answered = (a: (typeof reviewed)[number]) =>
      findings.some(
        (f) => f.rule === a.id && (f.path === a.on.node.path || f.path.startsWith(`${a.on.node.path}/`)),
      );
    expect(reviewed.filter((a) => !answered(a)).map((a) => `${a.id} @ ${a.on.node.path}`)).toEqual([]);
    for (const a of reviewed) expect(a.reason.length).toBeGreaterThan(40);
    expect(findings.length).toBeGreaterThan(0);
  });
});
