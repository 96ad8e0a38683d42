/**
 * One whole Drawbridge deployment in AWS mode on moto_server, as `infra/` would leave an account: the
 * bastion network and instance profile, the DynamoDB table, the SSM SecureStrings (Slack secrets, the
 * database admin password), the schedule group — and a config file for it, built into a runtime by the
 * Lambdas' own `buildAwsRuntime` with the SDK's standard `AWS_ENDPOINT_URL`. The database is the local
 * MariaDB, reached by an admin account made for the deployment.
 *
 * Two bridges over what moto cannot do, both named: the SSM agent shim (moto has no agents, see
 * moto-ssm-agent-shim.ts), and the work queue — moto runs no Lambda code, so what the `slack` function would
 * hand the worker by asynchronous Invoke is kept here and handed to the worker handler by the test.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Pool } from 'mysql2/promise';
import { stringify } from 'yaml';
import { workEvent } from '../../src/adapters/aws/worker-event.js';
import { ensureTable } from '../../src/adapters/dynamodb/ensure-table.js';
import { quoteIdent } from '../../src/adapters/mysql/admin-sql.js';
import type { AppDeps } from '../../src/app/deps.js';
import { parseConfig } from '../../src/config/config.js';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import type { Logger, WorkItem, WorkQueue } from '../../src/domain/ports.js';
import { type AwsRuntime, buildAwsRuntime } from '../../src/entry/aws-app.js';
import { createWorkerHandler } from '../../src/entry/lambda/worker-handler.js';
import type { MysqlDatabases } from '../../src/entry/mysql-databases.js';
import { mysqlTestServer } from '../support/mysql-admin.js';
import { bastionNetwork } from './moto-network.js';
import { MOTO_CREDENTIALS, motoClientSettings } from './moto-server.js';

export const ACCOUNT = '123456789012';

export interface MotoDeploymentOptions {
  region: string;
  /** The stack name: tagged on its bastions, and its table's name. */
  deployment: string;
  /** moto_server itself, for the setup. */
  motoEndpoint: string;
  /** Where the runtime's SDK clients send every call (moto, or the SSM agent shim in front of it). */
  endpoint: string;
  target: string;
  schema: string;
  approvalChannel: string;
  approvers: string[];
  slackApiUrl: string;
  admin: Pool;
  logger: Logger;
}

/** Work handed to the worker, waiting for the test to deliver it (moto runs no Lambda). */
export class HandedOverWork implements WorkQueue {
  readonly items: WorkItem[] = [];
  async enqueue(item: WorkItem): Promise<void> {
    this.items.push(item);
  }
}

export interface MotoDeployment {
  config: DrawbridgeConfig;
  runtime: AwsRuntime;
  deps: AppDeps;
  work: HandedOverWork;
  /** The `worker` Lambda's handler over this deployment. */
  worker: ReturnType<typeof createWorkerHandler>;
  /** Hands every item waiting in the queue to the worker, as Lambda's asynchronous Invoke would. */
  deliverWork(): Promise<void>;
  adminUser: string;
  close(): Promise<void>;
}

/** The deployment's resources on moto and its runtime. Sets AWS_ENDPOINT_URL and credentials for the SDK. */
export async function motoDeployment(options: MotoDeploymentOptions): Promise<MotoDeployment> {
  const { region, deployment } = options;
  process.env.AWS_ENDPOINT_URL = options.endpoint;
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;

  const clients = motoClientSettings(options.motoEndpoint, region);
  const ec2 = new EC2Client(clients);
  const ssm = new SSMClient(clients);
  const scheduler = new SchedulerClient(clients);
  const dynamo = new DynamoDBClient(clients);
  const kms = new KMSClient(clients);
  try {
    const historyKey = await kms.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: `${deployment} history`,
      }),
    );
    const network = await bastionNetwork(ec2, region, options.motoEndpoint);
    await ensureTable(dynamo, deployment);
    await scheduler.send(new CreateScheduleGroupCommand({ Name: deployment })).catch((e: unknown) => {
      if ((e as { name?: string }).name !== 'ConflictException') throw e;
    });

    const adminUser = `dbm_${randomBytes(4).toString('hex')}`;
    const adminPassword = `Moto-${randomBytes(12).toString('hex')}`;
    await options.admin.query(`CREATE USER ${quoteIdent(adminUser)}@'127.0.0.1' IDENTIFIED BY ?`, [
      adminPassword,
    ]);
    await options.admin.query(
      `GRANT ALL PRIVILEGES ON *.* TO ${quoteIdent(adminUser)}@'127.0.0.1' WITH GRANT OPTION`,
    );

    const parameters = {
      signingSecret: `/${deployment}/slack/signing-secret`,
      botToken: `/${deployment}/slack/bot-token`,
      adminPassword: `/${deployment}/db/${options.target}/admin-password`,
    };
    for (const [name, value] of [
      [parameters.signingSecret, 'moto-signing-secret'],
      [parameters.botToken, 'xoxb-moto'],
      [parameters.adminPassword, adminPassword],
    ] as const) {
      await ssm.send(
        new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
      );
    }

    const { tcp } = mysqlTestServer();
    const file = {
      mode: 'aws',
      aws: {
        region,
        deployment,
        parameters: { slackSigningSecret: parameters.signingSecret, slackBotToken: parameters.botToken },
      },
      store: { kind: 'dynamodb', table: deployment },
      bastion: {
        kind: 'ec2',
        subnets: network.subnets,
        securityGroup: network.securityGroup,
        instanceProfile: network.instanceProfile,
        readyTimeout: '1m',
      },
      scheduler: {
        kind: 'eventbridge',
        group: deployment,
        targetArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${deployment}-worker`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${deployment}-scheduler`,
        deadLetterArn: `arn:aws:sqs:${region}:${ACCOUNT}:${deployment}-dlq`,
      },
      queue: { kind: 'lambda', functionName: `${deployment}-worker` },
      history: { signing: { kind: 'kms', keyId: historyKey.KeyMetadata?.KeyId } },
      targets: [
        {
          name: options.target,
          description: 'MariaDB on this machine, as an AWS-mode target',
          database: {
            host: tcp.host,
            port: tcp.port,
            adminUser,
            adminPasswordParameter: parameters.adminPassword,
            tls: false,
          },
          schemas: [options.schema],
          protectedTables: ['secret_*'],
          approvalChannel: options.approvalChannel,
          defaults: { approvers: options.approvers, maxDuration: '2h' },
          tiers: { READ: {} },
        },
      ],
    };
    const parsed = parseConfig(stringify(file), `${deployment}.yaml`, {});
    if (!parsed.ok) throw new Error(parsed.error.message);
    const config = parsed.value;

    const runtime = await buildAwsRuntime(config, options.logger, { slackApiUrl: options.slackApiUrl });
    const work = new HandedOverWork();
    const deps: AppDeps = { ...runtime.deps, queue: work };
    const worker = createWorkerHandler(async () => deps);
    return {
      config,
      runtime,
      deps,
      work,
      worker,
      adminUser,
      async deliverWork() {
        while (work.items.length > 0) {
          const item = work.items.shift() as WorkItem;
          const result = await worker(JSON.parse(JSON.stringify(workEvent(item))));
          if (!result.ok) throw new Error(result.error);
        }
      },
      async close() {
        await (runtime.deps.databases as MysqlDatabases).close();
        await options.admin.query(`DROP USER IF EXISTS ${quoteIdent(adminUser)}@'127.0.0.1'`);
      },
    };
  } finally {
    ec2.destroy();
    ssm.destroy();
    scheduler.destroy();
    dynamo.destroy();
    kms.destroy();
  }
}
