/** The doctor's real dependencies: mysql2 admin connections, a Slack WebClient, AWS SDK clients. */
import { readFile } from 'node:fs/promises';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { LogLevel, WebClient } from '@slack/web-api';
import { type Connection, createConnection } from 'mysql2/promise';
import { awsClientSettings } from '../../adapters/aws/client-settings.js';
import type { DrawbridgeConfig, TargetConfig } from '../../config/config-types.js';
import type { DoctorDeps } from '../doctor.js';
import type { AwsClients } from './aws-checks.js';
import { messageOf } from './check.js';
import type { KeyProbe, LogsProbe } from './evidence-checks.js';
import type { SlackAuthClient } from './slack-check.js';

export interface RealDoctorDeps extends DoctorDeps {
  /** Releases the SDK clients' sockets. */
  close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Real clients for `config`: AWS ones in the configured region (aws mode only; credentials from the usual
 * chain), the admin password from the config or, in aws mode, its SSM SecureString; the Slack bot token from
 * SLACK_BOT_TOKEN or, in aws mode, aws.parameters.slackBotToken. Secrets are read only when a check needs
 * them and are never put in a detail.
 */
export function doctorDepsFromConfig(config: DrawbridgeConfig, env: Env): RealDoctorDeps {
  const region = config.mode === 'aws' ? config.aws?.region : undefined;
  const aws: AwsClients | undefined =
    region === undefined
      ? undefined
      : {
          sts: new STSClient(awsClientSettings(region, 'interactive')),
          ec2: new EC2Client(awsClientSettings(region, 'interactive')),
          ssm: new SSMClient(awsClientSettings(region, 'interactive')),
          scheduler: new SchedulerClient(awsClientSettings(region, 'interactive')),
          lambda: new LambdaClient(awsClientSettings(region, 'interactive')),
        };
  const secret = async (name: string): Promise<string> => {
    if (aws === undefined) throw new Error(`SSM parameter ${name} needs mode: aws`);
    try {
      const out = await aws.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      return out.Parameter?.Value ?? '';
    } catch (error) {
      throw new Error(`reading SSM parameter ${name} failed: ${messageOf(error)}`, { cause: error });
    }
  };
  const slackApiUrl = env.SLACK_API_URL;
  const webClient = (token: string) =>
    new WebClient(token, {
      ...(slackApiUrl ? { slackApiUrl } : {}),
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 1 },
      timeout: 10_000,
    });
  const botParameter = config.aws?.parameters.slackBotToken;
  let slack: SlackAuthClient | undefined;
  if (env.SLACK_BOT_TOKEN) slack = webClient(env.SLACK_BOT_TOKEN);
  else if (aws !== undefined && botParameter !== undefined) {
    slack = { auth: { test: async () => webClient(await secret(botParameter)).auth.test() } };
  }
  const usesAws =
    config.mode === 'aws' ||
    config.history.signing.kind === 'kms' ||
    config.targets.some((t) => t.activity.kind === 'cloudwatch-logs');
  return {
    mysqlAdmin: (target) => adminConnection(target, secret),
    ...(usesAws ? { logs: logsProbe, keys: keyProbe } : {}),
    ...(slack === undefined ? {} : { slack }),
    ...(aws === undefined ? {} : { aws }),
    close() {
      if (aws === undefined) return;
      for (const client of Object.values(aws)) client.destroy();
    },
  };
}

const logsProbe: LogsProbe = {
  async canRead(logGroup, region, endpoint) {
    const { CloudWatchLogsClient, FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const client = new CloudWatchLogsClient(awsClientSettings(region, 'interactive', { endpoint }));
    try {
      await client.send(
        new FilterLogEventsCommand({ logGroupName: logGroup, startTime: Date.now() - 3600_000, limit: 1 }),
      );
    } finally {
      client.destroy();
    }
  },
};

const keyProbe: KeyProbe = {
  async describe(keyId, region, endpoint) {
    const { KMSClient, DescribeKeyCommand } = await import('@aws-sdk/client-kms');
    const client = new KMSClient(awsClientSettings(region, 'interactive', { endpoint }));
    try {
      const out = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      const m = out.KeyMetadata;
      return {
        ...(m?.KeySpec ? { keySpec: m.KeySpec } : {}),
        ...(m?.KeyUsage ? { keyUsage: m.KeyUsage } : {}),
        ...(m?.Enabled === undefined ? {} : { enabled: m.Enabled }),
      };
    } finally {
      client.destroy();
    }
  },
};

async function adminConnection(
  target: TargetConfig,
  secret: (name: string) => Promise<string>,
): Promise<Connection> {
  const db = target.database;
  const password = db.adminPasswordParameter ? await secret(db.adminPasswordParameter) : db.adminPassword;
  const ca = db.caBundlePath ? await readFile(db.caBundlePath, 'utf8') : undefined;
  return createConnection({
    ...(db.socketPath ? { socketPath: db.socketPath } : { host: db.host, port: db.port }),
    user: db.adminUser,
    password,
    connectTimeout: 10_000,
    ...(db.tls ? { ssl: { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) } } : {}),
  });
}
