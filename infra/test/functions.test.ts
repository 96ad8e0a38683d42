// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${DRAWBRIDGE_…}` and rendered references are CloudFormation and config text, not JavaScript.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUNCTION_ENV,
  mysqlNetmaskHost,
  SLACK_CONCURRENCY,
  TABLE_ACTIONS,
  WORKER_CONCURRENCY,
} from '../lib/functions.js';
import { CONFIG_FILE_NAME, stageLambdaAsset } from '../lib/lambda-asset.js';
import type { InfraProps } from '../lib/props.js';
import { managedPolicyArnsOf, statementsFor } from './iam-statements.js';
import { arnOf, bundleToTemp, exampleProps, ref, synthStack } from './stack-fixture.js';

/** The statement every function in a VPC needs for its network interfaces (see executionRole). */
const isLambdaNetworking = (s: { actions: string[] }) => s.actions.includes('ec2:CreateNetworkInterface');

const WORKER_ARN = 'arn:${AWS::Partition}:lambda:eu-west-1:123456789012:function:Drawbridge-worker';

let bundleDir: string;
let remove: () => void;
let synth: ReturnType<typeof synthStack>;
let template: Template;
let ids: {
  slack: string;
  worker: string;
  slackRole: string;
  workerRole: string;
  sg: string;
  slackSg: string;
  key: string;
};

beforeAll(async () => {
  ({ dir: bundleDir, remove } = await bundleToTemp());
  synth = synthStack(bundleDir);
  template = synth.template;
  const { functions, data } = synth.stack;
  ids = {
    slack: synth.logicalId(functions.slack),
    worker: synth.logicalId(functions.worker),
    slackRole: synth.logicalId(functions.slack.role!),
    workerRole: synth.logicalId(functions.worker.role!),
    sg: synth.logicalId(functions.securityGroup),
    slackSg: synth.logicalId(functions.slackSecurityGroup),
    key: synth.logicalId(data.key),
  };
});
afterAll(() => remove?.());

const fn = (id: string) => template.findResources('AWS::Lambda::Function')[id]?.Properties;

describe('the slack and worker functions', () => {
  it.each([
    ['slack', 10, SLACK_CONCURRENCY],
    ['worker', 900, WORKER_CONCURRENCY],
  ] as const)(
    '%s runs Node.js 22 on arm64 in the private subnets behind its security group (only the worker’s reaches the databases)',
    (name, timeout, concurrency) => {
      expect(fn(ids[name])).toMatchObject({
        FunctionName: `Drawbridge-${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: timeout,
        ReservedConcurrentExecutions: concurrency,
        VpcConfig: {
          SubnetIds: synth.props.privateSubnetIds,
          SecurityGroupIds: [{ 'Fn::GetAtt': [name === 'slack' ? ids.slackSg : ids.sg, 'GroupId'] }],
        },
      });
    },
  );

  it('the slack function’s security group allows out HTTPS only, and no database lets it in', () => {
    const group = template.findResources('AWS::EC2::SecurityGroup')[ids.slackSg];
    expect(group?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    const fromSlack = JSON.stringify({ 'Fn::GetAtt': [ids.slackSg, 'GroupId'] });
    const rules = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')),
    ];
    expect(rules.filter((r) => JSON.stringify(r.Properties).includes(fromSlack))).toEqual([]);
  });

  it('both get the config path and every value the config references as ${DRAWBRIDGE_…}', () => {
    const { bastion, scheduling, data } = synth.stack;
    const expected = {
      [FUNCTION_ENV.config]: `./${CONFIG_FILE_NAME}`,
      [FUNCTION_ENV.table]: ref(synth.logicalId(data.table)),
      [FUNCTION_ENV.workerName]: 'Drawbridge-worker',
      [FUNCTION_ENV.schedulerRoleArn]: arnOf(synth.logicalId(scheduling.role)),
      [FUNCTION_ENV.scheduleGroup]: 'Drawbridge',
      [FUNCTION_ENV.deployment]: 'Drawbridge',
      [FUNCTION_ENV.portForwardingDocument]: 'Drawbridge-PortForwardToDatabase',
      [FUNCTION_ENV.deadLetterArn]: arnOf(synth.logicalId(scheduling.deadLetterQueue)),
      [FUNCTION_ENV.bastionSecurityGroup]: {
        'Fn::GetAtt': [synth.logicalId(bastion.securityGroup), 'GroupId'],
      },
      [FUNCTION_ENV.bastionInstanceProfile]: arnOf(synth.logicalId(bastion.instanceProfile)),
      [FUNCTION_ENV.slackSigningSecretParameter]: '/drawbridge/slack/signing-secret',
      [FUNCTION_ENV.slackBotTokenParameter]: '/drawbridge/slack/bot-token',
    };
    for (const id of [ids.slack, ids.worker]) {
      const variables = fn(id).Environment.Variables;
      expect(variables).toMatchObject(expected);
      expect(JSON.stringify(variables[FUNCTION_ENV.workerArn])).toContain(':function:Drawbridge-worker');
      expect(Object.keys(variables).sort()).toEqual(Object.values(FUNCTION_ENV).sort());
    }
  });

  it('log to their own KMS-encrypted log groups kept 90 days', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    for (const [id, output] of [
      [ids.slack, 'SlackLogGroup'],
      [ids.worker, 'WorkerLogGroup'],
    ] as const) {
      const groupId = fn(id).LoggingConfig.LogGroup.Ref as string;
      expect(groups[groupId]?.Properties).toMatchObject({ KmsKeyId: arnOf(ids.key), RetentionInDays: 90 });
      template.hasOutput(output, { Value: ref(groupId) });
    }
  });
});

describe('the Lambda security group', () => {
  it('allows out only HTTPS and the database port to the database security groups, which let it in', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Drawbridge Lambdas'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }],
      SecurityGroupIngress: Match.absent(),
    });
    const db = synth.props.databaseSecurityGroupIds[0];
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [ids.sg, 'GroupId'] },
      DestinationSecurityGroupId: db,
      FromPort: 3306,
      ToPort: 3306,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: db,
      SourceSecurityGroupId: { 'Fn::GetAtt': [ids.sg, 'GroupId'] },
      FromPort: 3306,
      ToPort: 3306,
    });
    const fromLambdas = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) =>
        JSON.stringify(r.Properties.SourceSecurityGroupId) ===
        JSON.stringify({ 'Fn::GetAtt': [ids.sg, 'GroupId'] }),
    );
    expect(fromLambdas.map((r) => r.Properties.GroupId)).toEqual([db]);
  });
});

describe('the Function URL', () => {
  it('is public (AuthType NONE: Slack signs each request, the handler verifies) and is an output', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: arnOf(ids.slack),
    });
    const urlId = Object.keys(template.findResources('AWS::Lambda::Url'))[0] as string;
    template.hasOutput('SlackFunctionUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
    template.resourceCountIs('AWS::Lambda::Url', 1);
  });
});

describe('IAM of the functions', () => {
  it('slack: no EC2 action but the network interfaces Lambda needs, no other * resource, and invokes only the worker', () => {
    const statements = statementsFor(template, ids.slackRole).filter((s) => !isLambdaNetworking(s));
    expect(statements.flatMap((s) => s.actions).filter((a) => a.startsWith('ec2:'))).toEqual([]);
    expect(statements.filter((s) => s.resources.includes('*'))).toEqual([]);
    const invoke = statements.filter((s) => s.actions.some((a) => a.startsWith('lambda:')));
    expect(invoke.map((s) => [s.actions, s.resources])).toEqual([[['lambda:InvokeFunction'], [WORKER_ARN]]]);
  });

  it.each(['slack', 'worker'] as const)(
    '%s: no AWS managed policy; writes only its own log group; the VPC network interfaces on * (they take no narrower resource)',
    (name) => {
      const role = name === 'slack' ? ids.slackRole : ids.workerRole;
      const logGroupId = fn(name === 'slack' ? ids.slack : ids.worker).LoggingConfig.LogGroup.Ref as string;
      expect(managedPolicyArnsOf(template, role)).toEqual([]);
      const statements = statementsFor(template, role);
      const logs = statements.filter((s) =>
        s.actions.some((a) => a.startsWith('logs:') && a !== 'logs:FilterLogEvents'),
      );
      expect(logs.map((s) => [s.actions, s.resources])).toEqual([
        [['logs:CreateLogStream', 'logs:PutLogEvents'], [`\${${logGroupId}.Arn}`]],
      ]);
      expect(statements.filter(isLambdaNetworking).map((s) => [s.actions.sort(), s.resources])).toEqual([
        [
          [
            'ec2:AssignPrivateIpAddresses',
            'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:UnassignPrivateIpAddresses',
          ],
          ['*'],
        ],
      ]);
    },
  );

  it("sets the runs' source network from the VPC range, as a MySQL host with a netmask", () => {
    expect(mysqlNetmaskHost('10.0.0.0/16')).toBe('10.0.0.0/255.255.0.0');
    expect(mysqlNetmaskHost('10.1.2.0/23')).toBe('10.1.2.0/255.255.254.0');
    const env = fn(ids.worker).Environment.Variables as Record<string, unknown>;
    expect(env.DRAWBRIDGE_RUN_SOURCE_NETWORK).toBe('10.0.0.0/255.255.0.0');
  });

  it('worker alone writes run exports, under exports/ of the stack bucket, and reads them back for presigned links', () => {
    const bucket = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    const onExports = (role: string) =>
      statementsFor(template, role).filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(onExports(ids.workerRole).map((s) => [s.actions.sort(), JSON.stringify(s.resources)])).toEqual([
      [['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], expect.stringContaining(`${bucket}.Arn`)],
    ]);
    expect(JSON.stringify(onExports(ids.workerRole)[0]?.resources)).toContain('/exports/*');
    expect(onExports(ids.slackRole)).toEqual([]);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })],
      },
    });
  });

  it("worker alone reads the props' audit log groups, with FilterLogEvents only", () => {
    const reads = (role: string) =>
      statementsFor(template, role).filter((s) => s.actions.includes('logs:FilterLogEvents'));
    expect(reads(ids.workerRole).map((s) => [s.actions, s.resources])).toEqual([
      [
        ['logs:FilterLogEvents'],
        ['arn:${AWS::Partition}:logs:eu-west-1:123456789012:log-group:/aws/rds/cluster/orders-prod/audit:*'],
      ],
    ]);
    expect(reads(ids.slackRole)).toEqual([]);
  });

  it.each(['slack', 'worker'] as const)('%s may only kms:Sign with the history key', (name) => {
    const historyKey = Object.keys(
      template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256' } }),
    )[0];
    const statements = statementsFor(template, name === 'slack' ? ids.slackRole : ids.workerRole);
    const onHistoryKey = statements.filter((s) => JSON.stringify(s.resources).includes(String(historyKey)));
    expect(onHistoryKey.map((s) => s.actions)).toEqual([['kms:Sign']]);
  });

  it('worker: * only for the read-only EC2/SSM describes, which take no resource; invokes no function', () => {
    const statements = statementsFor(template, ids.workerRole).filter((s) => !isLambdaNetworking(s));
    expect(new Set(statements.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions))).toEqual(
      new Set(['ec2:DescribeInstances', 'ec2:DescribeImages', 'ssm:DescribeInstanceInformation']),
    );
    expect(statements.filter((s) => s.actions.some((a) => a.startsWith('lambda:')))).toEqual([]);
    // The bastion construct's control grant is wired to the worker.
    expect(statements.flatMap((s) => s.actions)).toContain('ec2:RunInstances');
  });

  it.each(['slack', 'worker'] as const)(
    '%s: the adapter DynamoDB calls on the table and its indexes, never a delete',
    (name) => {
      const statements = statementsFor(template, name === 'slack' ? ids.slackRole : ids.workerRole);
      const dynamo = statements.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
      expect(dynamo).toHaveLength(1);
      expect(dynamo[0]?.actions.sort()).toEqual([...TABLE_ACTIONS].sort());
      const table = synth.logicalId(synth.stack.data.table);
      expect(dynamo[0]?.resources).toEqual([`\${${table}.Arn}`, `\${${table}.Arn}/index/*`]);
      const kms = statements.filter((s) => s.actions.includes('kms:Decrypt'));
      expect(kms.map((s) => s.resources)).toEqual([[`\${${ids.key}.Arn}`]]);
    },
  );

  it.each(['slack', 'worker'] as const)(
    '%s: reads only its SSM parameters (no database password for slack)',
    (name) => {
      const statements = statementsFor(template, name === 'slack' ? ids.slackRole : ids.workerRole);
      const ssm = statements.filter((s) => s.actions.includes('ssm:GetParameters'));
      const names = [
        synth.props.slackSigningSecretParameter,
        synth.props.slackBotTokenParameter,
        ...(name === 'worker' ? synth.props.databasePasswordParameters : []),
      ];
      expect(ssm.map((s) => s.resources)).toEqual([
        names.map((n) => `arn:\${AWS::Partition}:ssm:eu-west-1:123456789012:parameter${n}`),
      ]);
    },
  );
});

describe('a customer-managed parameters key', () => {
  it('is decryptable by both functions only through SSM', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-0000-4000-8000-000000000000';
    const withKey = synthStack(bundleDir, { parametersKmsKeyArn: keyArn });
    for (const fnc of [withKey.stack.functions.slack, withKey.stack.functions.worker]) {
      const statements = statementsFor(withKey.template, withKey.logicalId(fnc.role!));
      expect(statements.filter((s) => s.resources.includes(keyArn))).toEqual([
        expect.objectContaining({
          actions: ['kms:Decrypt'],
          conditions: { StringEquals: { 'kms:ViaService': ['ssm.eu-west-1.amazonaws.com'] } },
        }),
      ]);
    }
  });
});

describe('the staged Lambda asset', () => {
  const props = (over: Partial<InfraProps> = {}) => exampleProps({ lambdaBundleDir: bundleDir, ...over });

  it('holds the bundle and the config as drawbridge.yaml', () => {
    const stack = new Stack(new App(), 'S');
    const { configFile } = props();
    const dir = stageLambdaAsset(stack, { name: 'worker', bundleDir, configFile });
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    expect(readFileSync(join(dir, CONFIG_FILE_NAME), 'utf8')).toBe(readFileSync(configFile, 'utf8'));
  });

  it('refuses to synthesize without a bundle, saying how to make one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'drawbridge-nobundle-'));
    expect(() => synthStack(empty)).toThrow(/Lambda bundle .*index\.mjs is missing: run npm run bundle/);
    rmSync(empty, { recursive: true });
  });

  it('refuses a missing config file', () => {
    expect(() => synthStack(bundleDir, { configFile: 'no-such-config.yaml' })).toThrow(
      /no-such-config\.yaml.*missing/,
    );
  });
});
