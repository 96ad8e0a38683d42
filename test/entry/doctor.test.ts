import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  DescribeImagesCommand,
  EC2Client,
  EC2ServiceException,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetFunctionCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import {
  GetScheduleGroupCommand,
  SchedulerClient,
  ResourceNotFoundException as SchedulerNotFound,
} from '@aws-sdk/client-scheduler';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DecodeAuthorizationMessageCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import mysql, { type ConnectionOptions } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { quoteIdent } from '../../src/adapters/mysql/admin-sql.js';
import { roleNameFor } from '../../src/adapters/mysql/index.js';
import { type DrawbridgeConfig, parseConfig } from '../../src/config/config.js';
import { DEFAULT_ACTIVITY_OPTIONS } from '../../src/domain/activity.js';
import {
  type AwsClients,
  type DoctorCheck,
  type DoctorDeps,
  type DoctorReport,
  doctorExitCode,
  formatDoctorReport,
  runDoctor,
} from '../../src/entry/doctor.js';
import { doctorDepsFromConfig } from '../../src/entry/doctor-checks/real-deps.js';
import {
  createAdminPool,
  createSchema,
  dropSchemas,
  mysqlTestServer,
  uniqueName,
} from '../support/mysql-admin.js';

const admin = createAdminPool();
const SCHEMA = uniqueName('dbdoc');
const tcp = mysqlTestServer().tcp;

/** A user created for one test and dropped after it. */
const created: { users: string[]; roles: string[] } = { users: [], roles: [] };

beforeAll(async () => {
  await createSchema(admin, SCHEMA, ['orders', 'customers', 'secret_keys']);
});

afterAll(async () => {
  for (const user of created.users) await admin.query(`DROP USER IF EXISTS ${quoteIdent(user)}@'127.0.0.1'`);
  for (const role of created.roles) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  await dropSchemas(admin, [SCHEMA]);
  await admin.end();
});

function localConfig(target: Record<string, unknown> = {}): DrawbridgeConfig {
  const result = parseConfig(
    stringify({
      targets: [
        {
          name: 'doc',
          database: { adminUser: 'root' },
          schemas: [SCHEMA],
          protectedTables: ['secret_*'],
          defaults: { approvers: ['U0A'] },
          tiers: { READ: {} },
          ...target,
        },
      ],
    }),
    'doctor.yaml',
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The doctor's connection factory, connecting with fixed options whatever the target says. */
const connectWith =
  (options: ConnectionOptions): DoctorDeps['mysqlAdmin'] =>
  () =>
    mysql.createConnection(options);
const asRoot = connectWith(mysqlTestServer().admin as ConnectionOptions);

/** A user on 127.0.0.1 with `grants` (statements with `%u` for the account), and its password. */
async function limitedUser(grants: string[]): Promise<{ user: string; password: string }> {
  const user = uniqueName('dbdoc_u');
  const password = randomBytes(12).toString('hex');
  created.users.push(user);
  await admin.query(`CREATE USER ${quoteIdent(user)}@'127.0.0.1' IDENTIFIED BY '${password}'`);
  for (const grant of grants) {
    await admin.query(
      grant.replaceAll('%u', `${quoteIdent(user)}@'127.0.0.1'`).replaceAll('%s', quoteIdent(SCHEMA)),
    );
  }
  return { user, password };
}

const byName = (report: DoctorReport, suffix: string): DoctorCheck => {
  const found = report.checks.find((c) => c.name.endsWith(suffix));
  if (!found)
    throw new Error(`no check ending in "${suffix}" in ${report.checks.map((c) => c.name).join(', ')}`);
  return found;
};

describe('database checks against MariaDB', () => {
  it('passes every check as root', async () => {
    const report = await runDoctor(localConfig(), { mysqlAdmin: asRoot });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'],
      ['target doc: admin login', 'ok'],
      ['target doc: server', 'ok'],
      ['target doc: endpoint', 'ok'],
      ['target doc: name resolution', 'ok'],
      ['target doc: account policies', 'ok'],
      ['target doc: client login', 'ok'],
      ['target doc: admin privileges', 'ok'],
      ['target doc: schemas', 'ok'],
      ['target doc: protected tables', 'ok'],
      ['target doc: tier roles', 'ok'],
      ['target doc: account names', 'ok'],
      ['target doc: approvers', 'ok'],
      ['target doc: activity', 'warn'],
      ['history signing', 'ok'],
      ['digest', 'skip'],
      ['slack: bot token', 'skip'],
      ['aws', 'skip'],
    ]);
    expect(byName(report, 'activity').detail).toContain('activity: none');
    expect(byName(report, 'server').detail).toMatch(/^MariaDB 10\.\d+.*has roles; users get a role per tier/);
    expect(byName(report, 'schemas').detail).toBe(`${SCHEMA} (3 tables)`);
    expect(byName(report, 'protected tables').detail).toBe('never granted: secret_* (1)');
    expect(doctorExitCode(report)).toBe(0);
  });

  it('fails a mariadb-audit source whose plugin is not installed, saying how to install it', async () => {
    const base = localConfig();
    const config = {
      ...base,
      targets: base.targets.map((t) => ({
        ...t,
        activity: {
          kind: 'mariadb-audit' as const,
          file: '/var/lib/mysql/server_audit.log',
          options: DEFAULT_ACTIVITY_OPTIONS,
        },
      })),
    };
    const report = await runDoctor(config, { mysqlAdmin: asRoot });
    const activity = byName(report, 'activity');
    expect(activity.status).toBe('fail');
    expect(activity.detail).toContain('the server_audit plugin is not installed');
    expect(activity.detail).toContain("INSTALL SONAME 'server_audit'");
    expect(activity.detail).toContain("server_audit_events = 'CONNECT,QUERY_DDL,QUERY_DML,QUERY_DCL'");
  });

  it('fails a limited admin, naming each missing privilege', async () => {
    const { user, password } = await limitedUser(['GRANT SELECT ON %s.* TO %u']);
    const report = await runDoctor(localConfig(), { mysqlAdmin: connectWith({ ...tcp, user, password }) });
    const privileges = byName(report, 'admin privileges');
    expect(privileges.status).toBe('fail');
    expect(privileges.detail).toBe(
      [
        `root lacks CREATE USER ON *.*`,
        'SELECT ON mysql.* (accounts and grants are read there)',
        "PROCESS ON *.* (to list the users' connections)",
        'CONNECTION ADMIN or SUPER ON *.* (for KILL)',
        "UPDATE ON mysql.* (MariaDB's SET DEFAULT ROLE … FOR another account writes there)",
        `GRANT OPTION ON ${SCHEMA}.*`,
        `SHOW VIEW ON ${SCHEMA}.* (to grant them)`,
      ].join('; '),
    );
    expect(byName(report, 'admin login').detail).toContain(`as ${user}@127.0.0.1 at`);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('passes an admin holding exactly what Drawbridge needs, part of it through its default role', async () => {
    const role = uniqueName('dbdoc_r');
    created.roles.push(role);
    await admin.query(`CREATE ROLE ${quoteIdent(role)}`);
    await admin.query(`GRANT PROCESS, CONNECTION ADMIN ON *.* TO ${quoteIdent(role)}`);
    const { user, password } = await limitedUser([
      'GRANT CREATE USER ON *.* TO %u',
      'GRANT SELECT, UPDATE ON mysql.* TO %u',
      'GRANT SELECT, SHOW VIEW ON %s.* TO %u WITH GRANT OPTION',
      `GRANT ${quoteIdent(role)} TO %u`,
      `SET DEFAULT ROLE ${quoteIdent(role)} FOR %u`,
    ]);
    const report = await runDoctor(localConfig(), { mysqlAdmin: connectWith({ ...tcp, user, password }) });
    expect(byName(report, 'admin privileges')).toMatchObject({ status: 'ok' });
    expect(byName(report, 'admin privileges').detail).toContain(
      `SELECT, SHOW VIEW WITH GRANT OPTION on ${SCHEMA}`,
    );
  });

  it('asks for the DDL privileges when the DDL tier is offered', async () => {
    const { user, password } = await limitedUser([
      'GRANT CREATE USER, PROCESS, SUPER ON *.* TO %u',
      'GRANT SELECT, UPDATE ON mysql.* TO %u',
      'GRANT SELECT, SHOW VIEW, INSERT ON %s.* TO %u WITH GRANT OPTION',
    ]);
    const config = localConfig({ tiers: { READ: {}, DDL: {} } });
    const report = await runDoctor(config, { mysqlAdmin: connectWith({ ...tcp, user, password }) });
    expect(byName(report, 'admin privileges').detail).toBe(
      `root lacks UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW ON ${SCHEMA}.* (to grant them)`,
    );
  });

  it('fails a schema that does not exist, and names it', async () => {
    const missing = `${SCHEMA}_nope`;
    const report = await runDoctor(localConfig({ schemas: [SCHEMA, missing] }), { mysqlAdmin: asRoot });
    expect(byName(report, 'schemas')).toEqual({
      name: 'target doc: schemas',
      status: 'fail',
      detail: `${missing} does not exist (or the admin cannot see it)`,
    });
  });

  it('warns about a protected pattern that matches no table', async () => {
    const report = await runDoctor(localConfig({ protectedTables: ['secret_*', 'secrt_*'] }), {
      mysqlAdmin: asRoot,
    });
    expect(byName(report, 'protected tables')).toMatchObject({
      status: 'warn',
      detail: `secrt_* matches no table in ${SCHEMA}: a typo is likely`,
    });
    expect(doctorExitCode(report)).toBe(0);
  });

  it('fails kill: rds_kill on a server without mysql.rds_kill', async () => {
    const report = await runDoctor(localConfig({ kill: 'rds_kill' }), { mysqlAdmin: asRoot });
    expect(byName(report, 'admin privileges').detail).toContain(
      'the procedure mysql.rds_kill, which only RDS and Aurora have',
    );
  });

  it('fails a login with a wrong password without showing it, and skips what needs the login', async () => {
    const { user } = await limitedUser([]);
    const wrong = 'Wr0ng-pa55word-xyz';
    const report = await runDoctor(localConfig(), {
      mysqlAdmin: connectWith({ ...tcp, user, password: wrong }),
    });
    const login = byName(report, 'admin login');
    expect(login.status).toBe('fail');
    expect(login.detail).toMatch(/^cannot log in as root at 127\.0\.0\.1:3306: Access denied for user/);
    expect(formatDoctorReport(report)).not.toContain(wrong);
    for (const what of ['server', 'admin privileges', 'schemas', 'protected tables']) {
      expect(byName(report, what)).toMatchObject({ status: 'skip', detail: 'needs the admin login' });
    }
  });
});

describe('ownership checks', () => {
  it('warns when a tier is approved through user groups, naming the Slack setting', async () => {
    const report = await runDoctor(localConfig({ defaults: { approvers: ['S0DBAS'] } }), {
      mysqlAdmin: asRoot,
    });
    const approvers = byName(report, 'approvers');
    expect(approvers.status).toBe('warn');
    expect(approvers.detail).toContain('READ (S0DBAS)');
    expect(approvers.detail).toContain('Permissions → User Groups');
  });

  it('warns when the tier role was created by another admin, and says how to fix it', async () => {
    const name = `doc${randomBytes(3).toString('hex')}`;
    const role = roleNameFor(name, 'READ');
    created.roles.push(role);
    await admin.query(`CREATE ROLE ${quoteIdent(role)}`);
    const { user, password } = await limitedUser(['GRANT ALL PRIVILEGES ON *.* TO %u WITH GRANT OPTION']);
    const report = await runDoctor(localConfig({ name }), {
      mysqlAdmin: connectWith({ ...tcp, user, password }),
    });
    const roles = byName(report, 'tier roles');
    expect(roles.status).toBe('warn');
    expect(roles.detail).toContain(`${role} was created by another admin`);
    expect(roles.detail).toContain(`GRANT \`${role}\` TO '${user}'@'127.0.0.1' WITH ADMIN OPTION`);
  });

  it('warns when a requester name is already an account, until a userPrefix separates them', async () => {
    const user = uniqueName('app');
    created.users.push(user);
    await admin.query(`CREATE USER ${quoteIdent(user)}@'127.0.0.1'`);
    const config = (target: Record<string, unknown>) => {
      const c = localConfig(target);
      return { ...c, directory: { users: [{ id: 'U0APP', email: `${user}@example.com`, groups: [] }] } };
    };
    const taken = byName(await runDoctor(config({}), { mysqlAdmin: asRoot }), 'account names');
    expect(taken).toMatchObject({ status: 'warn' });
    expect(taken.detail).toContain(`${user}@127.0.0.1 already exists`);
    expect(taken.detail).toContain('set userPrefix');
    const separated = byName(
      await runDoctor(config({ userPrefix: 'dbx_' }), { mysqlAdmin: asRoot }),
      'account names',
    );
    expect(separated.status).toBe('ok');
  });
});

describe('the Slack check', () => {
  const config = localConfig();
  const noDb: DoctorDeps['mysqlAdmin'] = () => Promise.reject(new Error('no database in this test'));

  it('names the team and the bot', async () => {
    const slack = {
      auth: {
        test: async () => ({
          ok: true,
          team: 'Acme',
          team_id: 'T0ACME',
          user: 'drawbridge',
          user_id: 'U0BOT',
        }),
      },
    };
    const report = await runDoctor(config, { mysqlAdmin: noDb, slack });
    expect(byName(report, 'slack: bot token')).toMatchObject({
      status: 'ok',
      detail: 'team Acme (T0ACME), bot user drawbridge (U0BOT)',
    });
  });

  it('fails on an API error', async () => {
    const slack = {
      auth: {
        test: () => Promise.reject(new Error('An API error occurred: invalid_auth')),
      },
    };
    const report = await runDoctor(config, { mysqlAdmin: noDb, slack });
    expect(byName(report, 'slack: bot token')).toMatchObject({
      status: 'fail',
      detail: 'auth.test failed: An API error occurred: invalid_auth',
    });
  });
});

describe('AWS checks', () => {
  const example = parseConfig(readFileSync('drawbridge.aws.example.yaml', 'utf8'), 'aws.yaml');
  if (!example.ok) throw new Error(example.error.message);
  const config = example.value;
  const AMI_PATH = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
  const noDb: DoctorDeps['mysqlAdmin'] = () => Promise.reject(new Error('no database in this test'));

  const clients: AwsClients = {
    sts: new STSClient({ region: 'eu-west-1' }),
    ec2: new EC2Client({ region: 'eu-west-1' }),
    ssm: new SSMClient({ region: 'eu-west-1' }),
    scheduler: new SchedulerClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
  };
  const sts = mockClient(clients.sts);
  const ec2 = mockClient(clients.ec2);
  const ssm = mockClient(clients.ssm);
  const scheduler = mockClient(clients.scheduler);
  const lambda = mockClient(clients.lambda);

  const ec2Error = (code: string, message: string) =>
    new EC2ServiceException({ name: code, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

  function resetMocks(): void {
    sts.reset();
    ec2.reset();
    ssm.reset();
    scheduler.reset();
    lambda.reset();
  }

  /** Everything exists and is allowed. */
  function healthy() {
    resetMocks();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ops' });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Version: 3 } });
    ssm
      .on(GetParameterCommand, { Name: AMI_PATH })
      .resolves({ Parameter: { Type: 'String', Value: 'ami-0123456789abcdef0' } });
    ec2.on(DescribeImagesCommand, { ImageIds: ['ami-0123456789abcdef0'] }).resolves({
      Images: [
        {
          ImageId: 'ami-0123456789abcdef0',
          RootDeviceName: '/dev/sda1',
          BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 10 } }],
        },
      ],
    });
    ec2
      .on(RunInstancesCommand)
      .rejects(ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'));
    scheduler.on(GetScheduleGroupCommand).resolves({ Name: 'drawbridge', State: 'ACTIVE' });
    lambda.on(GetFunctionCommand).resolves({ Configuration: { Runtime: 'nodejs20.x', State: 'Active' } });
  }

  const awsOnly = async () => {
    const report = await runDoctor(config, { mysqlAdmin: noDb, aws: clients });
    return report.checks.filter((c) => c.name.startsWith('aws'));
  };

  afterEach(resetMocks);

  it('passes when every resource exists and the launch is allowed, sending the adapter’s request with DryRun', async () => {
    healthy();
    const checks = await awsOnly();
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['aws: identity', 'ok'],
      ['aws: SSM parameter /drawbridge/slack/signing-secret', 'ok'],
      ['aws: SSM parameter /drawbridge/slack/bot-token', 'ok'],
      ['aws: SSM parameter /drawbridge/db/orders-prod/admin-password', 'ok'],
      ['aws: SSM parameter /drawbridge/db/orders-staging/admin-password', 'ok'],
      ['aws: bastion launch in subnet-0123456789abcdef0', 'ok'],
      ['aws: bastion launch in subnet-0fedcba9876543210', 'ok'],
      ['aws: schedule group drawbridge', 'ok'],
      ['aws: worker function drawbridge-worker', 'ok'],
    ]);
    expect(checks[0]!.detail).toBe('account 123456789012 as arn:aws:iam::123456789012:user/ops');
    // Parameter values are never fetched decrypted.
    for (const call of ssm.commandCalls(GetParameterCommand))
      expect(call.args[0].input.WithDecryption).not.toBe(true);
    const launches = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect(launches).toHaveLength(2);
    expect(launches[0]).toMatchObject({
      DryRun: true,
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.micro',
      IamInstanceProfile: { Name: 'drawbridge-bastion' },
      NetworkInterfaces: [{ SubnetId: 'subnet-0123456789abcdef0', Groups: ['sg-0123456789abcdef0'] }],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      // The root volume on the AMI's own root device, as the adapter sends it.
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 10, Encrypted: true } }],
    });
    expect(launches[1]!.NetworkInterfaces![0]!.SubnetId).toBe('subnet-0fedcba9876543210');
  });

  it('fails the launch on UnauthorizedOperation, naming the permission from the decoded message', async () => {
    healthy();
    ec2
      .on(RunInstancesCommand)
      .rejects(
        ec2Error(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation. Encoded authorization failure message: AbC123',
        ),
      );
    sts.on(DecodeAuthorizationMessageCommand, { EncodedMessage: 'AbC123' }).resolves({
      DecodedMessage: JSON.stringify({
        allowed: false,
        context: { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/drawbridge-bastion' },
      }),
    });
    const launch = (await awsOnly()).find(
      (c) => c.name === 'aws: bastion launch in subnet-0123456789abcdef0',
    );
    expect(launch).toMatchObject({
      status: 'fail',
      detail: 'not allowed: iam:PassRole on arn:aws:iam::123456789012:role/drawbridge-bastion',
    });
  });

  it('names the permission from the plain message when the message cannot be decoded', async () => {
    healthy();
    ec2
      .on(RunInstancesCommand)
      .rejects(
        ec2Error(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ops is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123456789abcdef0 because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: XyZ',
        ),
      );
    sts
      .on(DecodeAuthorizationMessageCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const launch = (await awsOnly()).find(
      (c) => c.name === 'aws: bastion launch in subnet-0123456789abcdef0',
    );
    expect(launch?.detail).toBe(
      'not allowed: ec2:RunInstances on arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123456789abcdef0',
    );
  });

  it('fails a missing parameter, naming it and what it is for', async () => {
    healthy();
    ssm
      .on(GetParameterCommand, { Name: '/drawbridge/slack/bot-token' })
      .rejects(new ParameterNotFound({ $metadata: {}, message: '' }));
    const check = (await awsOnly()).find((c) => c.name === 'aws: SSM parameter /drawbridge/slack/bot-token');
    expect(check).toEqual({
      name: 'aws: SSM parameter /drawbridge/slack/bot-token',
      status: 'fail',
      detail:
        'parameter /drawbridge/slack/bot-token (aws.parameters.slackBotToken) does not exist in eu-west-1: create it with aws ssm put-parameter --type SecureString --name /drawbridge/slack/bot-token --value …',
    });
  });

  it('warns about a secret kept in a plain String parameter', async () => {
    healthy();
    ssm
      .on(GetParameterCommand, { Name: '/drawbridge/db/orders-prod/admin-password' })
      .resolves({ Parameter: { Type: 'String', Value: 'never shown' } });
    const checks = await awsOnly();
    const check = checks.find(
      (c) => c.name === 'aws: SSM parameter /drawbridge/db/orders-prod/admin-password',
    );
    expect(check).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('secrets belong in a SecureString'),
    });
    expect(JSON.stringify(checks)).not.toContain('never shown');
  });

  it('fails a missing schedule group and a missing worker function', async () => {
    healthy();
    scheduler
      .on(GetScheduleGroupCommand)
      .rejects(new SchedulerNotFound({ $metadata: {}, message: 'not found', Message: 'not found' }));
    lambda
      .on(GetFunctionCommand)
      .rejects(new ResourceNotFoundException({ $metadata: {}, message: 'not found' }));
    const checks = await awsOnly();
    expect(checks.find((c) => c.name === 'aws: schedule group drawbridge')?.detail).toBe(
      'schedule group drawbridge does not exist in eu-west-1: deploy infra/ (it makes the group), or aws scheduler create-schedule-group --name drawbridge',
    );
    expect(checks.find((c) => c.name === 'aws: worker function drawbridge-worker')?.detail).toBe(
      'function drawbridge-worker does not exist in eu-west-1',
    );
  });

  it('names the permission when a read is denied', async () => {
    healthy();
    lambda
      .on(GetFunctionCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const checks = await awsOnly();
    expect(checks.find((c) => c.name === 'aws: worker function drawbridge-worker')?.detail).toBe(
      'not allowed: lambda:GetFunction on drawbridge-worker',
    );
  });

  it('skips the rest when there is no AWS identity', async () => {
    healthy();
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const checks = await awsOnly();
    expect(checks[0]).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('Could not load credentials'),
    });
    expect(checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
    expect(checks).toHaveLength(9);
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });

  it('fails every launch when the AMI parameter cannot be read', async () => {
    healthy();
    ssm
      .on(GetParameterCommand, { Name: AMI_PATH })
      .rejects(new ParameterNotFound({ $metadata: {}, message: 'gone' }));
    const launches = (await awsOnly()).filter((c) => c.name.startsWith('aws: bastion launch'));
    expect(launches.map((c) => c.status)).toEqual(['fail', 'fail']);
    expect(launches[0]!.detail).toContain(`reading the AMI id from SSM parameter ${AMI_PATH} failed`);
  });
});

describe('the report', () => {
  const report: DoctorReport = {
    checks: [
      { name: 'config', status: 'ok', detail: 'mode local, 1 target(s): demo' },
      { name: 'target demo: protected tables', status: 'warn', detail: 'secrt_* matches no table' },
      { name: 'target demo: schemas', status: 'fail', detail: 'app does not exist' },
      { name: 'aws', status: 'skip', detail: 'mode: local has no AWS checks' },
    ],
    counts: { ok: 1, warn: 1, fail: 1, skip: 1 },
  };

  it('prints one marked line per check and a summary', () => {
    expect(formatDoctorReport(report).split('\n')).toEqual([
      '✓ config — mode local, 1 target(s): demo',
      '! target demo: protected tables — secrt_* matches no table',
      '✗ target demo: schemas — app does not exist',
      '- aws — mode: local has no AWS checks',
      '',
      'not ready: 1 ok, 1 warning(s), 1 failed, 1 skipped',
    ]);
  });

  it('exits non-zero only when a check failed', () => {
    expect(doctorExitCode(report)).toBe(1);
    const warned = { ...report, counts: { ...report.counts, fail: 0 } };
    expect(doctorExitCode(warned)).toBe(0);
    expect(formatDoctorReport(warned)).toMatch(/^ready, with warnings: /m);
  });
});

describe('doctorDepsFromConfig', () => {
  afterEach(() => {
    ssmMock?.restore();
    ssmMock = undefined;
  });
  let ssmMock: ReturnType<typeof mockClient> | undefined;

  it('builds no AWS clients and no Slack client in local mode without a token', () => {
    const deps = doctorDepsFromConfig(localConfig(), {});
    expect(deps.aws).toBeUndefined();
    expect(deps.slack).toBeUndefined();
    deps.close();
  });

  it('connects to the configured database as the configured admin', async () => {
    const { user, password } = await limitedUser(['GRANT SELECT ON %s.* TO %u']);
    const config = localConfig({
      database: { host: tcp.host, port: tcp.port, adminUser: user, adminPassword: password },
    });
    const deps = doctorDepsFromConfig(config, {});
    const conn = await deps.mysqlAdmin(config.targets[0]!);
    try {
      const [[row]] = await conn.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS u');
      expect(row?.u).toBe(`${user}@127.0.0.1`);
    } finally {
      await conn.end();
    }
  });

  it('in aws mode, reads the admin password from its SecureString and the bot token from SSM', async () => {
    const { user, password } = await limitedUser(['GRANT SELECT ON %s.* TO %u']);
    const example = parseConfig(readFileSync('drawbridge.aws.example.yaml', 'utf8'), 'aws.yaml');
    if (!example.ok) throw new Error(example.error.message);
    const target = example.value.targets[0]!;
    const config: DrawbridgeConfig = {
      ...example.value,
      targets: [
        {
          ...target,
          database: { ...target.database, host: tcp.host, port: tcp.port, adminUser: user, tls: false },
        },
      ],
    };
    ssmMock = mockClient(SSMClient);
    ssmMock
      .on(GetParameterCommand, { Name: '/drawbridge/db/orders-prod/admin-password', WithDecryption: true })
      .resolves({ Parameter: { Type: 'SecureString', Value: password } });
    ssmMock.on(GetParameterCommand, { Name: '/drawbridge/slack/bot-token' }).rejects(
      Object.assign(new Error('User is not authorized to perform: kms:Decrypt'), {
        name: 'AccessDeniedException',
      }),
    );
    const deps = doctorDepsFromConfig(config, {});
    expect(await deps.aws!.ssm.config.region()).toBe('eu-west-1');
    const conn = await deps.mysqlAdmin(config.targets[0]!);
    await conn.end();
    await expect(deps.slack!.auth.test()).rejects.toThrow(
      'reading SSM parameter /drawbridge/slack/bot-token failed: User is not authorized to perform: kms:Decrypt',
    );
    expect(
      ssmMock.commandCalls(GetParameterCommand).every((c) => c.args[0].input.WithDecryption === true),
    ).toBe(true);
    deps.close();
  });
});
