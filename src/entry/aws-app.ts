import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientSettings } from '../adapters/aws/client-settings.js';
import { SsmParameters } from '../adapters/aws/ssm-parameters.js';
import { DynamoDbOutbox } from '../adapters/dynamodb/dynamodb-outbox.js';
import { DynamoDbOwnershipLedger } from '../adapters/dynamodb/dynamodb-ownership-ledger.js';
import { DynamoDbRequestStore } from '../adapters/dynamodb/dynamodb-request-store.js';
import { DynamoDbSeenKeys } from '../adapters/dynamodb/dynamodb-seen-keys.js';
import { MysqlRunRunner } from '../adapters/mysql/mysql-run-runner.js';
import { mariadbSqlChecker } from '../adapters/sql/sql-checker.js';
import { cryptoRandom, systemClock } from '../adapters/system/system.js';
import type { AppDeps } from '../app/deps.js';
import { SealingRequestStore } from '../app/sealing-store.js';
import { targetPolicies } from '../config/config.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import { ConfigError } from '../domain/errors.js';
import type { Bastions, ExportDelivery, Logger, Scheduler, SeenKeys, WorkQueue } from '../domain/ports.js';
import { ConfiguredActivitySources } from './activity-sources.js';
import { historySigner } from './history-keys.js';
import { lazyPort } from './lazy-port.js';
import { MysqlDatabases, runServers } from './mysql-databases.js';
import { slackAdapters } from './slack-wiring.js';
import { WorkerOnlyDatabases } from './worker-only-databases.js';

export interface AwsRuntime {
  deps: AppDeps;
  config: DrawbridgeConfig;
  slack: { signingSecret: string; botToken: string; slackApiUrl?: string };
  seen: SeenKeys;
}

/**
 * AWS mode: DynamoDB, EC2 bastions behind SSM, EventBridge Scheduler, the worker Lambda, Slack —
 * secrets from SSM Parameter Store read once per warm Lambda. The one place AWS adapters are chosen; EC2,
 * Scheduler and Lambda clients load on first use (see lazyPort), so an event pays only for what it touches.
 */
export interface AwsRuntimeOptions {
  /** Base URL of the Slack Web API (SLACK_API_URL): tests and proxies; Slack itself when absent. */
  slackApiUrl?: string | undefined;
  /**
   * Which function this runtime serves. `slack` (internet-facing) reads no database password and reaches no
   * database: everything that needs one is handed to `worker`, the default.
   */
  role?: 'slack' | 'worker';
}

/**
 * Runs connect from the worker Lambda, whose source address is one of its subnets' (Lambda's network
 * interfaces are shared, so no single address is known): the run's account is pinned to `runs.sourceNetwork`.
 */
function awsRunRunner(config: DrawbridgeConfig): MysqlRunRunner {
  const network = config.runs?.sourceNetwork;
  return new MysqlRunRunner({
    source: {
      reserve: async () => {
        if (!network)
          throw new ConfigError(
            'runs need runs.sourceNetwork: the worker subnets, e.g. 10.0.0.0/255.255.0.0',
          );
        return { accountHost: network };
      },
      release: () => undefined,
    },
    server: runServers(config.targets),
  });
}

/** Exports over `runs.s3.overMegabytes` to the stack's bucket (its client loaded on first use), the rest to Slack. */
function awsExports(config: DrawbridgeConfig, region: string, slackExports: ExportDelivery): ExportDelivery {
  const s3 = config.runs?.s3;
  if (!s3) return slackExports;
  return lazyPort<ExportDelivery>(async () => {
    const [{ S3ExportDelivery }, { S3Client }] = await Promise.all([
      import('../adapters/aws/s3-export-delivery.js'),
      import('@aws-sdk/client-s3'),
    ]);
    return new S3ExportDelivery({
      client: new S3Client(awsClientSettings(region, 'background')),
      bucket: s3.bucket,
      overBytes: s3.overMegabytes * 2 ** 20,
      smaller: slackExports,
      kmsKeyId: s3.kmsKeyId,
    });
  });
}

export async function buildAwsRuntime(
  config: DrawbridgeConfig,
  logger: Logger,
  options: AwsRuntimeOptions = {},
): Promise<AwsRuntime> {
  const { aws, bastion, scheduler, queue, store } = config;
  if (
    config.mode !== 'aws' ||
    !aws ||
    bastion.kind !== 'ec2' ||
    scheduler.kind !== 'eventbridge' ||
    queue.kind !== 'lambda' ||
    store.kind !== 'dynamodb'
  ) {
    throw new ConfigError(
      'the Lambda functions need mode: aws with ec2 bastions, eventbridge scheduler, lambda queue and a dynamodb store',
    );
  }
  const region = aws.region;
  const role = options.role ?? 'worker';
  // Every client has deadlines and the SDK's retries: the Slack function's calls have someone waiting on
  // them (interactive), the worker's ride out a throttled burst (background).
  const pace = role === 'slack' ? 'interactive' : 'background';
  const client = () => awsClientSettings(region, pace);
  const parameters = new SsmParameters({ client: new SSMClient(client()) });
  const passwordParameters =
    role === 'slack'
      ? []
      : config.targets.flatMap((t) =>
          t.database.adminPasswordParameter ? [[t.name, t.database.adminPasswordParameter] as const] : [],
        );
  const [signingSecret, botToken, ...passwords] = await parameters.getMany([
    aws.parameters.slackSigningSecret,
    aws.parameters.slackBotToken,
    ...passwordParameters.map(([, name]) => name),
  ]);
  const slack = slackAdapters(config, botToken as string, logger, options.slackApiUrl);
  // The table may live in another region, or behind its own endpoint, when the file says so.
  const dynamo = new DynamoDBClient(
    awsClientSettings(store.region ?? region, pace, { endpoint: store.endpoint }),
  );
  const targets = Object.fromEntries(
    config.targets.map((t) => [t.name, { host: t.database.host, port: t.database.port }]),
  );

  const bastions = lazyPort<Bastions>(async () => {
    const [{ Ec2Bastions }, { EC2Client }] = await Promise.all([
      import('../adapters/aws/ec2-bastions.js'),
      import('@aws-sdk/client-ec2'),
    ]);
    return new Ec2Bastions({
      ec2: new EC2Client(client()),
      ssm: new SSMClient(client()),
      config: bastion,
      region,
      deployment: aws.deployment,
      targets,
      logger,
    });
  });
  const schedules = lazyPort<Scheduler>(async () => {
    const [{ EventBridgeScheduler }, { SchedulerClient }] = await Promise.all([
      import('../adapters/aws/eventbridge-scheduler.js'),
      import('@aws-sdk/client-scheduler'),
    ]);
    return new EventBridgeScheduler({ client: new SchedulerClient(client()), config: scheduler });
  });
  const work = lazyPort<WorkQueue>(async () => {
    const [{ LambdaWorkQueue }, { LambdaClient }] = await Promise.all([
      import('../adapters/aws/lambda-work-queue.js'),
      import('@aws-sdk/client-lambda'),
    ]);
    return new LambdaWorkQueue({ client: new LambdaClient(client()), functionName: queue.functionName });
  });

  const deps: AppDeps = {
    store: new SealingRequestStore(new DynamoDbRequestStore(dynamo, store.table), historySigner(config)),
    ledger: new DynamoDbOwnershipLedger(dynamo, store.table),
    outbox: new DynamoDbOutbox(dynamo, store.table),
    bastions,
    databases:
      role === 'slack'
        ? new WorkerOnlyDatabases(config.targets.map((t) => t.name))
        : new MysqlDatabases(
            config.targets,
            new Map(passwordParameters.map(([target], i) => [target, passwords[i] as string])),
          ),
    sql: mariadbSqlChecker,
    runner: awsRunRunner(config),
    exports: awsExports(config, region, slack.exports),
    // Only CloudWatch Logs in AWS mode: a Lambda cannot read the server's own audit file.
    activity: new ConfiguredActivitySources(config.targets, {
      region,
      serverUtcOffset: async () => {
        throw new ConfigError('mariadb-audit needs mode: local');
      },
    }),
    scheduler: schedules,
    queue: work,
    directory: slack.directory,
    notifier: slack.notifier({ client: dynamo, table: store.table }),
    replies: slack.replies,
    logger,
    clock: systemClock,
    random: cryptoRandom,
    policies: targetPolicies(config),
    timings: config.lifecycle,
  };
  return {
    deps,
    config,
    slack: {
      signingSecret: signingSecret as string,
      botToken: botToken as string,
      ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
    },
    seen: new DynamoDbSeenKeys(dynamo, store.table),
  };
}
