// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${DRAWBRIDGE_…}` and rendered references are CloudFormation and config text, not JavaScript.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ungrantedConfigParameters } from '../lib/config-parameters.js';
import { loadInfraProps, PROPS_CONTEXT, PROPS_FILE_CONTEXT } from '../lib/load-props.js';
import { bundleToTemp, EXAMPLE_PROPS_FILE, exampleProps, synthStack } from './stack-fixture.js';

const run = promisify(execFile);
const example = JSON.parse(readFileSync(EXAMPLE_PROPS_FILE, 'utf8')) as Record<string, unknown>;
const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

let work: string;
let bundle: Awaited<ReturnType<typeof bundleToTemp>>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'drawbridge-app-'));
  bundle = await bundleToTemp();
});
afterAll(() => {
  bundle?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the CDK app as `npm run synth` does (tsx, no CDK CLI) with no AWS credentials or profile at all. */
async function synthApp(propsFile: string, outdir: string) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: work, // no ~/.aws here
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ [PROPS_FILE_CONTEXT]: propsFile }),
  };
  return run(join('node_modules', '.bin', 'tsx'), ['infra/bin/drawbridge-infra.ts'], {
    env,
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

describe('the CDK app', () => {
  it('cdk.json runs it and points at the example props file', () => {
    const cdk = JSON.parse(readFileSync('cdk.json', 'utf8'));
    expect(cdk.app).toBe('npx tsx infra/bin/drawbridge-infra.ts');
    expect(cdk.context[PROPS_FILE_CONTEXT]).toBe(EXAMPLE_PROPS_FILE);
  });

  it('synthesizes the example offline, without credentials, into the output folder', async () => {
    const propsFile = join(work, 'props.json');
    writeFileSync(propsFile, JSON.stringify({ ...example, lambdaBundleDir: bundle.dir }));
    const outdir = join(work, 'cdk.out');
    const result = await synthApp(propsFile, outdir);
    expect(result.stderr).not.toMatch(/invalid/);
    expect(result.code).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Drawbridge.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs).sort()).toEqual(
      [
        'DeadLetterQueueUrl',
        'ExportBucketName',
        'HistoryKeyArn',
        'ScheduleGroup',
        'SlackFunctionUrl',
        'SlackLogGroup',
        'TableName',
        'WorkerLogGroup',
      ].sort(),
    );
    // Each function's asset carries the config it will read.
    const functions = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>,
    ).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    for (const f of functions) {
      const asset = join(outdir, `asset.${f.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readFileSync(join(asset, 'drawbridge.yaml'), 'utf8')).toBe(
        readFileSync(example.configFile as string, 'utf8'),
      );
      expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
    }
  }, 90_000);

  it('refuses bad props, naming the path of every problem, and writes no template', async () => {
    const propsFile = join(work, 'bad.json');
    const { configFile: _dropped, ...rest } = example;
    writeFileSync(
      propsFile,
      JSON.stringify({
        ...rest,
        vpcId: 'vpc-nope',
        privateSubnetIds: ['subnet-0123456789abcdef0', 'x'],
        databasePort: 0,
      }),
    );
    const outdir = join(work, 'bad.out');
    const result = await synthApp(propsFile, outdir);
    expect(result.code).toBe(1);
    for (const path of ['vpcId', 'privateSubnetIds.1', 'databasePort', 'configFile']) {
      expect(result.stderr).toContain(`${propsFile}: ${path}: `);
    }
    expect(existsSync(join(outdir, 'Drawbridge.template.json'))).toBe(false);
  }, 90_000);
});

describe('the stack', () => {
  it('hands the endpoint groups and the S3 prefix list to the bastion, and synthesizes the example without warnings', () => {
    const { stack, template, logicalId } = synthStack(bundle.dir, { s3PrefixListId: 'pl-6da54004' });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const bastionSg = logicalId(stack.bastion.securityGroup);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [bastionSg, 'GroupId'] },
      DestinationSecurityGroupId: (example.vpcEndpointSecurityGroupIds as string[])[0],
      FromPort: 443,
    });
    // Nothing to the VPC's CIDR: a session cannot reach internal load balancers or the Kubernetes API.
    expect(
      JSON.stringify(template.findResources('AWS::EC2::SecurityGroup')[bastionSg]?.Properties ?? {}),
    ).not.toContain(example.vpcCidr);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [bastionSg, 'GroupId'] },
      DestinationPrefixListId: 'pl-6da54004',
      FromPort: 443,
    });
  });
});

describe('the config and the props agree on SSM parameters', () => {
  it('the example config names only parameters the example props grant', () => {
    const { stack } = synthStack(bundle.dir);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
    expect(ungrantedConfigParameters(exampleProps())).toEqual([]);
  });

  it('a parameter the config names but the props leave out is an error that stops the app', async () => {
    const props = exampleProps({ databasePasswordParameters: ['/drawbridge/db/orders-prod/admin-password'] });
    expect(ungrantedConfigParameters(props)).toEqual([
      "drawbridge.aws.example.yaml: targets.1.database.adminPasswordParameter: /drawbridge/db/orders-staging/admin-password is not among the props' parameters, so the Lambdas may not read it",
    ]);
    const { stack } = synthStack(bundle.dir, { databasePasswordParameters: [] });
    Annotations.fromStack(stack).hasError(
      '/Drawbridge',
      Match.stringLikeRegexp('targets\\.0\\.database\\.adminPasswordParameter'),
    );

    const propsFile = join(work, 'ungranted.json');
    writeFileSync(
      propsFile,
      JSON.stringify({ ...example, lambdaBundleDir: bundle.dir, databasePasswordParameters: [] }),
    );
    const result = await synthApp(propsFile, join(work, 'ungranted.out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot be deployed as configured:\n.*targets\.0\.database\.adminPasswordParameter/,
    );
  }, 90_000);

  it('leaves ${…} references alone: they are filled at run time', () => {
    const configFile = join(work, 'env-config.yaml');
    writeFileSync(
      configFile,
      'aws:\n  parameters:\n    slackSigningSecret: ${DRAWBRIDGE_SLACK_SIGNING_SECRET_PARAMETER}\n    slackBotToken: /other/token\n',
    );
    expect(ungrantedConfigParameters(exampleProps({ configFile }))).toEqual([
      expect.stringContaining('aws.parameters.slackBotToken: /other/token is not among'),
    ]);
  });
});

describe('loadInfraProps', () => {
  it('reads the example file named by context', () => {
    const loaded = loadInfraProps(contextOf({ [PROPS_FILE_CONTEXT]: EXAMPLE_PROPS_FILE }));
    expect(loaded).toMatchObject({ ok: true, value: { vpcId: example.vpcId, databasePort: 3306 } });
  });

  it('prefers the inline drawbridge context, as an object or as JSON text (-c drawbridge=…)', () => {
    const inline = { ...example, vpcId: 'vpc-0fedcba9876543210' };
    for (const value of [inline, JSON.stringify(inline)]) {
      const loaded = loadInfraProps(
        contextOf({ [PROPS_CONTEXT]: value, [PROPS_FILE_CONTEXT]: EXAMPLE_PROPS_FILE }),
      );
      expect(loaded).toMatchObject({ ok: true, value: { vpcId: 'vpc-0fedcba9876543210' } });
    }
  });

  it.each([
    [{}, /no props: set context drawbridge/],
    [{ [PROPS_FILE_CONTEXT]: 'nowhere.json' }, /drawbridgePropsFile: cannot read nowhere\.json \(ENOENT\)/],
    [{ [PROPS_CONTEXT]: '{"vpcId":' }, /context drawbridge: not JSON/],
    [{ [PROPS_FILE_CONTEXT]: 'README.md' }, /README\.md: not JSON/],
  ])('says what is wrong with %j', (context, message) => {
    const loaded = loadInfraProps(contextOf(context));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error.problems.join('\n')).toMatch(message);
  });

  it('checks that the subnet lists line up and spread over the zones', () => {
    const loaded = loadInfraProps(
      contextOf({
        [PROPS_CONTEXT]: {
          ...example,
          privateSubnetIds: [
            'subnet-0123456789abcdef0',
            'subnet-0fedcba9876543210',
            'subnet-0aaaaaaaaaaaaaaaa',
          ],
        },
      }),
    );
    expect(loaded).toEqual({
      ok: false,
      error: {
        code: 'invalid_infra_props',
        problems: [
          expect.stringMatching(/^context drawbridge: privateSubnetCidrs: 2 CIDRs for 3 privateSubnetIds/),
          expect.stringMatching(/^context drawbridge: privateSubnetIds: 3 subnets over 2 availabilityZones/),
        ],
      },
    });
  });

  it('never throws, and every problem says where it is', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.record({ vpcId: fc.string() })), (value) => {
        const loaded = loadInfraProps(contextOf({ [PROPS_CONTEXT]: value }));
        if (!loaded.ok) {
          expect(loaded.error.problems.length).toBeGreaterThan(0);
          for (const p of loaded.error.problems) expect(p.startsWith('context drawbridge: ')).toBe(true);
        }
      }),
    );
  });
});
