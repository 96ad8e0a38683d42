/**
 * `drawbridge doctor`'s AWS checks against moto_server: every check passes on a deployment set up as infra/
 * leaves it, and a broken one — a missing schedule group, a missing parameter, a subnet that does not
 * exist — fails the check that names it, with the fix.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import { type AwsClients, awsChecks } from '../../src/entry/doctor-checks/aws-checks.js';
import { createAdminPool } from '../support/mysql-admin.js';
import { describeOnMoto, motoClientConfig, motoEndpoint } from './moto.js';
import { type MotoDeployment, motoDeployment } from './moto-deployment.js';

const REGION = 'sa-east-1';
const DEPLOYMENT = 'drawbridge-doctor';

describeOnMoto('doctor on moto_server', () => {
  let admin: Pool;
  let deployment: MotoDeployment;
  let clients: AwsClients;
  const saved = { ...process.env };

  beforeAll(async () => {
    admin = createAdminPool();
    deployment = await motoDeployment({
      region: REGION,
      deployment: DEPLOYMENT,
      motoEndpoint: motoEndpoint as string,
      endpoint: motoEndpoint as string,
      target: 'doctor',
      schema: 'drawbridge_doctor_unused',
      approvalChannel: 'C0DOCTOR',
      approvers: ['U0DOCTOR'],
      slackApiUrl: 'http://127.0.0.1:9/api/',
      admin,
      logger: { info() {}, warn() {}, error() {} },
    });
    const config = motoClientConfig(REGION);
    // The worker function, as the stack deploys it (moto stores it; it runs no code).
    const iam = new IAMClient(motoClientConfig('us-east-1'));
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: `${DEPLOYMENT}-worker`, AssumeRolePolicyDocument: '{}' }),
    );
    iam.destroy();
    clients = {
      sts: new STSClient(config),
      ec2: new EC2Client(config),
      ssm: new SSMClient(config),
      scheduler: new SchedulerClient(config),
      lambda: new LambdaClient(config),
    };
    await clients.lambda.send(
      new CreateFunctionCommand({
        FunctionName: `${DEPLOYMENT}-worker`,
        Runtime: 'nodejs22.x',
        Role: role.Role?.Arn as string,
        Handler: 'index.handler',
        Code: { ZipFile: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]) },
      }),
    );
  });
  afterAll(async () => {
    await deployment?.close();
    await admin.end();
    for (const client of Object.values(clients ?? {})) client.destroy();
    process.env = saved;
  });

  const run = async (change: (config: DrawbridgeConfig) => DrawbridgeConfig = (c) => c) =>
    awsChecks(change(structuredClone(deployment.config)), clients);

  it('passes every AWS check on a deployment set up as the stack leaves it', async () => {
    const checks = await run();

    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['aws: identity', 'ok'],
      [`aws: SSM parameter /${DEPLOYMENT}/slack/signing-secret`, 'ok'],
      [`aws: SSM parameter /${DEPLOYMENT}/slack/bot-token`, 'ok'],
      [`aws: SSM parameter /${DEPLOYMENT}/db/doctor/admin-password`, 'ok'],
      [
        `aws: bastion launch in ${deployment.config.bastion.kind === 'ec2' ? deployment.config.bastion.subnets[0] : ''}`,
        'ok',
      ],
      [`aws: schedule group ${DEPLOYMENT}`, 'ok'],
      [`aws: worker function ${DEPLOYMENT}-worker`, 'ok'],
    ]);
  });

  it('fails a missing schedule group, naming it and how to make it', async () => {
    const checks = await run((c) => ({
      ...c,
      scheduler:
        c.scheduler.kind === 'eventbridge' ? { ...c.scheduler, group: 'no-such-group' } : c.scheduler,
    }));
    const group = checks.find((c) => c.name === 'aws: schedule group no-such-group');
    expect(group?.status).toBe('fail');
    expect(group?.detail).toContain(`schedule group no-such-group does not exist in ${REGION}`);
    expect(group?.detail).toContain('aws scheduler create-schedule-group --name no-such-group');
  });

  it('fails a missing parameter, naming it, what it is for and how to put it', async () => {
    const checks = await run((c) => {
      if (!c.aws) throw new Error('an AWS config has an aws section');
      return {
        ...c,
        aws: { ...c.aws, parameters: { ...c.aws.parameters, slackBotToken: '/nowhere/bot-token' } },
      };
    });
    const parameter = checks.find((c) => c.name === 'aws: SSM parameter /nowhere/bot-token');
    expect(parameter?.status).toBe('fail');
    expect(parameter?.detail).toContain('/nowhere/bot-token (aws.parameters.slackBotToken) does not exist');
    expect(parameter?.detail).toContain(
      'aws ssm put-parameter --type SecureString --name /nowhere/bot-token',
    );
  });

  it('fails the launch in a subnet that does not exist, naming bastion.subnets', async () => {
    const checks = await run((c) => ({
      ...c,
      bastion: c.bastion.kind === 'ec2' ? { ...c.bastion, subnets: ['subnet-0123456789abcdef0'] } : c.bastion,
    }));
    const launch = checks.find((c) => c.name === 'aws: bastion launch in subnet-0123456789abcdef0');
    expect(launch?.status).toBe('fail');
    expect(launch?.detail).toContain('subnet-0123456789abcdef0');
    expect(launch?.detail).toContain('bastion.subnets');
  });
});
