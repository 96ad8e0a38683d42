import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type DrawbridgeConfig, parseConfig } from '../../src/config/config.js';

const AWS_EXAMPLE_PATH = new URL('../../drawbridge.aws.example.yaml', import.meta.url);

const BASTION = {
  kind: 'ec2',
  subnets: ['subnet-0123456789abcdef0'],
  securityGroup: 'sg-0123456789abcdef0',
  instanceProfile: 'drawbridge-bastion',
};
const SCHEDULER = {
  kind: 'eventbridge',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:drawbridge-worker',
  roleArn: 'arn:aws:iam::123456789012:role/drawbridge-scheduler',
};
const DATABASE = {
  host: 'orders.cluster-c0abc.eu-west-1.rds.amazonaws.com',
  adminUser: 'drawbridge_admin',
  adminPasswordParameter: '/drawbridge/db/orders/admin-password',
};

/** The smallest valid AWS config; each section can be replaced (or removed with `undefined`). */
function awsConfig(sections: Record<string, unknown> = {}, target: Record<string, unknown> = {}) {
  const config: Record<string, unknown> = {
    mode: 'aws',
    aws: {
      region: 'eu-west-1',
      parameters: {
        slackSigningSecret: '/drawbridge/slack/signing-secret',
        slackBotToken: '/drawbridge/slack/bot-token',
      },
    },
    store: { kind: 'dynamodb', table: 'drawbridge-requests' },
    bastion: BASTION,
    scheduler: SCHEDULER,
    queue: { kind: 'lambda', functionName: 'drawbridge-worker' },
    history: { signing: { kind: 'kms', keyId: 'alias/drawbridge-history' } },
    targets: [
      {
        name: 'orders',
        database: DATABASE,
        schemas: ['orders'],
        approvalChannel: 'C0APPROVALS',
        defaults: { approvers: ['S0DBAS'] },
        tiers: { READ: {} },
        ...target,
      },
    ],
    ...sections,
  };
  for (const [key, value] of Object.entries(config)) if (value === undefined) delete config[key];
  return config;
}

/** The smallest valid local config. */
function localConfig(sections: Record<string, unknown> = {}, database: Record<string, unknown> = {}) {
  return {
    targets: [
      {
        name: 'demo',
        database: { adminUser: 'root', ...database },
        schemas: ['app'],
        defaults: { approvers: ['U0A'] },
        tiers: { READ: {} },
      },
    ],
    ...sections,
  };
}

function parsed(value: unknown): DrawbridgeConfig {
  const result = parseConfig(stringify(value), 'aws.yaml', {});
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.error.message}`);
  return result.value;
}

function problems(value: unknown): string[] {
  const result = parseConfig(stringify(value), 'aws.yaml', {});
  if (result.ok) throw new Error('expected an invalid config');
  return result.error.message.split('\n');
}

describe('aws.deployment', () => {
  const aws = (deployment?: string) => ({
    region: 'eu-west-1',
    ...(deployment === undefined ? {} : { deployment }),
    parameters: { slackSigningSecret: '/s', slackBotToken: '/t' },
  });

  it("defaults to the store's table name, unique in an account and region", () => {
    expect(parsed(awsConfig({ aws: aws() })).aws?.deployment).toBe('drawbridge-requests');
  });

  it('is taken as written, and refused with the rule when malformed', () => {
    expect(parsed(awsConfig({ aws: aws('Drawbridge-staging') })).aws?.deployment).toBe('Drawbridge-staging');
    expect(problems(awsConfig({ aws: aws('has space') }))).toEqual([
      expect.stringContaining('aws.deployment: expected a deployment name'),
    ]);
  });
});

describe('the AWS example config', () => {
  it('parses as it is, into every AWS driver', async () => {
    const result = parseConfig(await readFile(AWS_EXAMPLE_PATH, 'utf8'), 'drawbridge.aws.example.yaml', {});
    if (!result.ok) throw new Error(result.error.message);
    const config = result.value;
    expect(config.mode).toBe('aws');
    expect(config.aws).toEqual({
      region: 'eu-west-1',
      deployment: 'drawbridge',
      parameters: {
        slackSigningSecret: '/drawbridge/slack/signing-secret',
        slackBotToken: '/drawbridge/slack/bot-token',
      },
    });
    expect(config.store).toEqual({ kind: 'dynamodb', table: 'drawbridge-requests', region: 'eu-west-1' });
    expect(config.bastion).toMatchObject({ kind: 'ec2', readyTimeoutSeconds: 600, localPort: 13_306 });
    expect(config.bastion.kind === 'ec2' && config.bastion.subnets.length).toBe(2);
    expect(config.scheduler).toMatchObject({ kind: 'eventbridge', maximumEventAgeSeconds: 3_600 });
    expect(config.scheduler.kind === 'eventbridge' && config.scheduler.deadLetterArn).toMatch(/:sqs:/);
    expect(config.queue).toEqual({ kind: 'lambda', functionName: 'drawbridge-worker' });
    expect(config.directory).toEqual({ users: [] });
    expect(config.targets.map((t) => t.name)).toEqual(['orders-prod', 'orders-staging']);
    for (const target of config.targets) {
      expect(target.database.tls).toBe(true);
      expect(target.database.adminPassword).toBe('');
      expect(target.database.adminPasswordParameter).toMatch(/^\/drawbridge\/db\//);
      expect(target.kill).toBe('rds_kill');
      expect(target.approvalChannel).toMatch(/^C/);
    }
    expect(config.targets[1]!.policy.tiers.READ!.autoApprove).toBe(true);
  });
});

describe('AWS mode defaults', () => {
  it('fills every default of the AWS drivers', () => {
    const config = parsed(awsConfig());
    expect(config.bastion).toEqual({
      ...BASTION,
      instanceType: 't3.micro',
      ami: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      readyTimeoutSeconds: 600,
      localPort: 13_306,
      portForwardingDocument: 'Drawbridge-PortForwardToDatabase',
    });
    expect(config.scheduler).toEqual({
      ...SCHEDULER,
      group: 'drawbridge',
      maximumRetryAttempts: 3,
      maximumEventAgeSeconds: 3_600,
    });
    expect(config.store).toEqual({ kind: 'dynamodb', table: 'drawbridge-requests', region: 'eu-west-1' });
    expect(config.targets[0]!.database).toEqual({
      ...DATABASE,
      port: 3306,
      adminPassword: '',
      tls: true,
    });
    // Provisioning waits for the bastion, so its timeout follows readyTimeout.
    expect(config.lifecycle.provisioningTimeoutSeconds).toBe(900);
  });

  it('keeps what the file says over the defaults', () => {
    const config = parsed(
      awsConfig(
        {
          store: { kind: 'dynamodb', table: 't', region: 'us-east-1' },
          bastion: { ...BASTION, ami: 'ami-0abcdef1234567890', readyTimeout: '5m', instanceType: 't4g.nano' },
          scheduler: { ...SCHEDULER, maximumRetryAttempts: 0, maximumEventAge: '24h', group: 'db-access' },
          lifecycle: { provisioningTimeout: '6m' },
        },
        { database: { ...DATABASE, tls: false, caBundlePath: '/opt/rds/global-bundle.pem' } },
      ),
    );
    expect(config.store).toEqual({ kind: 'dynamodb', table: 't', region: 'us-east-1' });
    expect(config.bastion).toMatchObject({ ami: 'ami-0abcdef1234567890', readyTimeoutSeconds: 300 });
    expect(config.scheduler).toMatchObject({
      group: 'db-access',
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 86_400,
    });
    expect(config.lifecycle.provisioningTimeoutSeconds).toBe(360);
    expect(config.targets[0]!.database).toMatchObject({
      tls: false,
      caBundlePath: '/opt/rds/global-bundle.pem',
    });
  });

  it('accepts ARNs of other partitions, instance profile ARNs and a qualified function', () => {
    const config = parsed(
      awsConfig({
        aws: {
          region: 'cn-north-1',
          parameters: {
            slackSigningSecret: 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/drawbridge/signing',
            slackBotToken: 'drawbridge-bot-token',
          },
        },
        bastion: { ...BASTION, instanceProfile: 'arn:aws-cn:iam::123456789012:instance-profile/bastion' },
        scheduler: {
          ...SCHEDULER,
          targetArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:worker:live',
        },
        queue: {
          kind: 'lambda',
          functionName: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:worker:live',
        },
      }),
    );
    expect(config.aws!.region).toBe('cn-north-1');
  });
});

describe('local mode with the new sections', () => {
  it('reads scheduler and queue written out, and a CA bundle', () => {
    const config = parsed(
      localConfig(
        { mode: 'local', scheduler: { kind: 'local' }, queue: { kind: 'in-process' } },
        { tls: true, caBundlePath: '/etc/ssl/db-ca.pem' },
      ),
    );
    expect(config.scheduler).toEqual({ kind: 'local' });
    expect(config.queue).toEqual({ kind: 'in-process' });
    expect(config.targets[0]!.database).toMatchObject({ tls: true, caBundlePath: '/etc/ssl/db-ca.pem' });
  });
});

describe('bad AWS configs', () => {
  const bastion = (extra: Record<string, unknown>) => awsConfig({ bastion: { ...BASTION, ...extra } });
  const scheduler = (extra: Record<string, unknown>) => awsConfig({ scheduler: { ...SCHEDULER, ...extra } });
  const database = (extra: Record<string, unknown>) => awsConfig({}, { database: { ...DATABASE, ...extra } });
  const parameters = (extra: Record<string, unknown>) =>
    awsConfig({
      aws: { region: 'eu-west-1', parameters: { slackSigningSecret: '/s', slackBotToken: '/t', ...extra } },
    });

  it.each<[string, unknown, string]>([
    // A kind of the other mode.
    ['an ec2 bastion in local mode', localConfig({ bastion: BASTION }), 'bastion.kind: ec2 needs mode: aws'],
    [
      'an eventbridge scheduler in local mode',
      localConfig({ scheduler: SCHEDULER }),
      'scheduler.kind: eventbridge needs mode: aws',
    ],
    [
      'a lambda queue in local mode',
      localConfig({ queue: { kind: 'lambda', functionName: 'w' } }),
      'queue.kind: lambda needs mode: aws',
    ],
    [
      'a local bastion in aws mode',
      awsConfig({ bastion: { kind: 'local', sourceNetwork: '127.77.0.0/16' } }),
      'bastion.kind: local needs mode: local; mode: aws needs bastion.kind: ec2',
    ],
    [
      'a dynalite store in aws mode',
      awsConfig({ store: { kind: 'dynalite' } }),
      'store.kind: dynalite needs mode: local; mode: aws needs store.kind: dynamodb',
    ],
    [
      'a local scheduler in aws mode',
      awsConfig({ scheduler: { kind: 'local' } }),
      'scheduler.kind: local needs mode: local; mode: aws needs scheduler.kind: eventbridge',
    ],
    [
      'an in-process queue in aws mode',
      awsConfig({ queue: { kind: 'in-process' } }),
      'queue.kind: in-process needs mode: local; mode: aws needs queue.kind: lambda',
    ],
    ['an unknown kind', awsConfig({ queue: { kind: 'sqs' } }), 'queue.kind: expected lambda, got "sqs"'],
    [
      'a misspelt kind',
      awsConfig({ bastion: { ...BASTION, kind: 'ec3' } }),
      'bastion.kind: expected ec2 (did you mean ec2?), got "ec3"',
    ],
    ['an aws section in local mode', localConfig({ aws: { region: 'eu-west-1' } }), 'aws: needs mode: aws'],
    [
      'a directory in aws mode',
      awsConfig({ directory: { users: [] } }),
      'directory: needs mode: local; in mode: aws Slack is the directory',
    ],
    // Sections AWS mode cannot do without.
    ['no aws section', awsConfig({ aws: undefined }), 'aws: missing; mode: aws needs aws: { region: …'],
    [
      'no bastion',
      awsConfig({ bastion: undefined }),
      'bastion: missing; mode: aws needs bastion: { kind: ec2',
    ],
    ['no scheduler', awsConfig({ scheduler: undefined }), 'scheduler: missing; mode: aws needs scheduler:'],
    ['no queue', awsConfig({ queue: undefined }), 'queue: missing; mode: aws needs queue: { kind: lambda'],
    ['no store', awsConfig({ store: undefined }), 'store: missing; mode: aws needs store: { kind: dynamodb'],
    ['no region', awsConfig({ aws: { parameters: {} } }), 'aws.region: missing; expected an AWS region'],
    [
      'a zone for a region',
      awsConfig({ aws: { region: 'eu-west-1a' } }),
      'aws.region: expected an AWS region such as eu-west-1, got "eu-west-1a"',
    ],
    [
      'a missing parameter name',
      parameters({ slackBotToken: undefined }),
      'aws.parameters.slackBotToken: missing; expected an SSM parameter name',
    ],
    [
      'a relative parameter path',
      parameters({ slackBotToken: 'drawbridge/bot' }),
      'aws.parameters.slackBotToken: expected an SSM parameter name such as /drawbridge/slack/bot-token (a name with / starts with /)',
    ],
    // The bastion.
    [
      'a CIDR for a subnet',
      bastion({ subnets: ['10.0.1.0/24'] }),
      'bastion.subnets[0]: expected a subnet id such as subnet-0123456789abcdef0, not a CIDR, got "10.0.1.0/24"',
    ],
    ['a short subnet id', bastion({ subnets: ['subnet-123'] }), 'bastion.subnets[0]: expected a subnet id'],
    ['no subnets', bastion({ subnets: [] }), 'bastion.subnets: expected a list of at least 1 entry'],
    [
      'a group name for a security group',
      bastion({ securityGroup: 'drawbridge-bastion' }),
      'bastion.securityGroup: expected a security group id such as sg-0123456789abcdef0, not a group name, got "drawbridge-bastion"',
    ],
    [
      'a role ARN for an instance profile',
      bastion({ instanceProfile: 'arn:aws:iam::123456789012:role/bastion' }),
      'bastion.instanceProfile: expected an instance profile name or ARN such as drawbridge-bastion, not a role ARN (the instance profile wraps the role)',
    ],
    [
      'a bad instance type',
      bastion({ instanceType: 'micro' }),
      'bastion.instanceType: expected an EC2 instance type such as t3.micro, got "micro"',
    ],
    [
      'a bad AMI',
      bastion({ ami: 'al2023' }),
      'bastion.ami: expected an AMI id such as ami-0123456789abcdef0 or an SSM parameter path',
    ],
    [
      'a ready timeout too short',
      bastion({ readyTimeout: '30s' }),
      'bastion.readyTimeout: expected a duration from 1m to 1h, got "30s"',
    ],
    [
      'a privileged local port',
      bastion({ localPort: 80 }),
      'bastion.localPort: expected a whole number from 1024 to 65535, got 80',
    ],
    [
      'a provisioning timeout within the bastion wait',
      awsConfig({ lifecycle: { provisioningTimeout: '10m' } }),
      'lifecycle.provisioningTimeout: must be longer than bastion.readyTimeout (600s), since provisioning waits for the bastion first',
    ],
    // The scheduler and the queue.
    [
      'a function name for the target ARN',
      scheduler({ targetArn: 'drawbridge-worker' }),
      'scheduler.targetArn: expected a Lambda function ARN such as arn:aws:lambda:eu-west-1:123456789012:function:drawbridge-worker, got "drawbridge-worker"',
    ],
    [
      'a user ARN for the role',
      scheduler({ roleArn: 'arn:aws:iam::123456789012:user/ops' }),
      'scheduler.roleArn: expected an IAM role ARN such as arn:aws:iam::123456789012:role/drawbridge-scheduler',
    ],
    [
      'an SNS topic for the dead-letter queue',
      scheduler({ deadLetterArn: 'arn:aws:sns:eu-west-1:123456789012:alerts' }),
      'scheduler.deadLetterArn: expected an SQS queue ARN',
    ],
    [
      'too many retries',
      scheduler({ maximumRetryAttempts: 186 }),
      'scheduler.maximumRetryAttempts: expected a whole number from 0 to 185, got 186',
    ],
    [
      'an event age too long',
      scheduler({ maximumEventAge: '2d' }),
      'scheduler.maximumEventAge: expected a duration from 1m to 1d, got "2d"',
    ],
    [
      'an event age too short',
      scheduler({ maximumEventAge: '59s' }),
      'scheduler.maximumEventAge: expected a duration from 1m to 1d',
    ],
    [
      'a bad group name',
      scheduler({ group: 'db access' }),
      'scheduler.group: expected a schedule group name',
    ],
    [
      'a bad function name',
      awsConfig({ queue: { kind: 'lambda', functionName: 'drawbridge worker' } }),
      'queue.functionName: expected a Lambda function name or ARN such as drawbridge-worker',
    ],
    [
      'a queue without function',
      awsConfig({ queue: { kind: 'lambda' } }),
      'queue.functionName: missing; expected a Lambda function name',
    ],
    [
      'a misspelt key',
      bastion({ subnet: ['subnet-0123456789abcdef0'] }),
      'bastion.subnet: unknown key; did you mean "subnets"?',
    ],
    // Targets.
    [
      'a plain admin password in aws mode',
      database({ adminPassword: 'hunter2' }),
      'targets[0].database.adminPassword: a plain password is refused in mode: aws; store it in an SSM SecureString and name that in adminPasswordParameter',
    ],
    [
      'no password parameter',
      database({ adminPasswordParameter: undefined }),
      'targets[0].database.adminPasswordParameter: missing; mode: aws reads the admin password from the SSM SecureString named here',
    ],
    [
      'no database host',
      database({ host: undefined }),
      'targets[0].database.host: missing; mode: aws needs the database endpoint',
    ],
    [
      'a socket in aws mode',
      database({ socketPath: '/run/mysqld/mysqld.sock' }),
      'targets[0].database.socketPath: needs mode: local; in mode: aws connect with host and port',
    ],
    [
      'a password parameter in local mode',
      localConfig({}, { adminPasswordParameter: '/db/password' }),
      'targets[0].database.adminPasswordParameter: needs mode: aws; in mode: local write adminPassword',
    ],
    [
      'no approval channel',
      awsConfig({}, { approvalChannel: undefined }),
      'targets[0].approvalChannel: missing; mode: aws posts approval requests to this Slack channel',
    ],
    [
      'a channel name for the approval channel',
      awsConfig({}, { approvalChannel: '#db' }),
      'targets[0].approvalChannel: expected a Slack channel id such as C0123ABCD, not a channel name',
    ],
    [
      'a bad CA bundle path',
      database({ caBundlePath: '' }),
      'targets[0].database.caBundlePath: expected the path of a PEM file',
    ],
  ])('%s', (_, config, line) => {
    expect(problems(config)).toContainEqual(expect.stringContaining(line));
  });

  it('reports a kind of the other mode once, not each of its keys', () => {
    expect(problems(localConfig({ bastion: { ...BASTION, subnets: 'nope', ami: 3 } }))).toEqual([
      'bastion.kind: ec2 needs mode: aws',
    ]);
  });

  it('reads a misspelt mode as the mode it is closest to and reports only the mode', () => {
    expect(problems(awsConfig({ mode: 'AWS' }))).toEqual([
      'mode: expected one of local, aws (did you mean aws?), got "AWS"',
    ]);
  });

  it('lists every missing AWS section at once for a local config switched to aws', () => {
    const lines = problems({ ...localConfig(), mode: 'aws' });
    expect(lines).toEqual([
      expect.stringMatching(/^store: missing;/),
      expect.stringMatching(/^bastion: missing;/),
      expect.stringMatching(/^scheduler: missing;/),
      expect.stringMatching(/^queue: missing;/),
      expect.stringMatching(/^aws: missing;/),
      expect.stringMatching(/^targets\[0\]\.database\.host: missing;/),
      expect.stringMatching(/^targets\[0\]\.database\.adminPasswordParameter: missing;/),
      expect.stringMatching(/^targets\[0\]\.approvalChannel: missing;/),
      expect.stringMatching(/^history: missing;/),
    ]);
  });
});

describe('secrets in AWS configs', () => {
  it('never echoes a plain admin password refused in aws mode', () => {
    const message = problems(
      awsConfig({}, { database: { ...DATABASE, adminPassword: 'Sup3rSecret!' } }),
    ).join('\n');
    expect(message).not.toContain('Sup3rSecret!');
  });

  it.each([
    ['a bot token', 'slackBotToken', 'xoxb-1234-5678-abcdefghijkl'],
    ['a signing secret', 'slackSigningSecret', '8f14e45fceea167a5a36dedd4bea2543'],
  ])('refuses %s pasted in place of its parameter name, without echoing it', (_, key, secret) => {
    const lines = problems(
      awsConfig({
        aws: {
          region: 'eu-west-1',
          parameters: { slackSigningSecret: '/s', slackBotToken: '/t', [key]: secret },
        },
      }),
    );
    expect(lines).toEqual([
      `aws.parameters.${key}: expected an SSM parameter name such as /drawbridge/slack/bot-token, not the secret itself (store the secret in the parameter), got a value that is not shown`,
    ]);
  });
});

describe('evidence in AWS mode', () => {
  it('refuses the server file as an activity source (a Lambda cannot read it) and takes CloudWatch Logs', () => {
    expect(
      problems(
        awsConfig({}, { activity: { kind: 'mariadb-audit', file: '/var/lib/mysql/server_audit.log' } }),
      ),
    ).toEqual([
      'targets[0].activity.kind: mariadb-audit needs mode: local; mode: aws needs activity.kind: none or cloudwatch-logs',
    ]);
    const config = parsed(
      awsConfig({}, { activity: { kind: 'cloudwatch-logs', logGroup: '/aws/rds/cluster/orders/audit' } }),
    );
    expect(config.targets[0]?.activity).toMatchObject({
      kind: 'cloudwatch-logs',
      logGroup: '/aws/rds/cluster/orders/audit',
    });
    expect(problems(awsConfig({ history: { signing: { kind: 'key-file' } } }))).toEqual([
      'history.signing.kind: key-file needs mode: local; mode: aws needs history.signing.kind: kms',
    ]);
  });
});

describe('runs in AWS mode', () => {
  it('reads the worker source network and the exports bucket, with the size over which exports go there', () => {
    const config = parsed(
      awsConfig({ runs: { sourceNetwork: '10.0.0.0/255.255.0.0', s3: { bucket: 'drawbridge-exports-1' } } }),
    );
    expect(config.runs).toEqual({
      sourceNetwork: '10.0.0.0/255.255.0.0',
      s3: { bucket: 'drawbridge-exports-1', overMegabytes: 50 },
    });
    expect(problems(awsConfig({ runs: { sourceNetwork: '10.0.0.0/16' } }))).toEqual([
      expect.stringContaining(
        'runs.sourceNetwork: expected the worker subnets as a MySQL host with a netmask',
      ),
    ]);
  });
});
