/**
 * The parsed, validated configuration (see drawbridge.example.yaml for the file it comes from).
 * Durations are in seconds; every default is filled in, so consumers never decide a default themselves.
 */
import type { ActivityOptions } from '../domain/activity.js';
import type { LifecycleTimings, TargetPolicy } from '../domain/policy-types.js';

export interface DrawbridgeConfig {
  /**
   * `local` runs everything but Slack in one process (dynalite or DynamoDB, loopback bastions, timers,
   * in-process queue); `aws` uses DynamoDB, EC2 bastions behind SSM, EventBridge Scheduler and a Lambda worker.
   * The mode decides which driver kinds the sections below may name.
   */
  mode: 'local' | 'aws';
  store: StoreConfig;
  lifecycle: LifecycleTimings;
  bastion: BastionConfig;
  scheduler: SchedulerConfig;
  queue: QueueConfig;
  /** Required in `aws` mode. */
  aws?: AwsConfig;
  slack: SlackConfig;
  directory: DirectoryConfig;
  targets: TargetConfig[];
  /** The daily digest of writes and DDL; none without a channel. */
  digest?: DigestConfig;
  history: HistoryConfig;
  runs?: RunsConfig;
}

/** Where runs connect from in AWS mode (locally a loopback address of the bastion pool). */
export interface RunsConfig {
  /** The worker subnets as a MySQL host, e.g. `10.0.0.0/255.255.0.0`: the run account is pinned to it. */
  sourceNetwork?: string;
  /** AWS mode: exports over `overMegabytes` go to this bucket, behind a presigned link valid an hour. */
  s3?: { bucket: string; overMegabytes: number; kmsKeyId?: string };
}

/** Where a target's audit records are read (what each access executed). */
export type ActivityConfig =
  | { kind: 'none' }
  | { kind: 'mariadb-audit'; file: string; options: ActivityOptions }
  | {
      kind: 'cloudwatch-logs';
      logGroup: string;
      /** aws.region unless given. */
      region?: string;
      endpoint?: string;
      options: ActivityOptions;
    };

export interface DigestConfig {
  /** The security channel (an id such as C0123ABCD). */
  channel: string;
  /** When it is posted, in minutes after midnight UTC (`at: "08:00"` is 480). */
  atMinuteOfDay: number;
}

/** What signs each request's chain head. */
export interface HistoryConfig {
  signing:
    | { kind: 'key-file'; path: string }
    | { kind: 'kms'; keyId: string; region?: string; endpoint?: string };
}

export interface AwsConfig {
  region: string;
  /**
   * The name of this Drawbridge deployment (the CDK stack's name), tagged on every bastion it launches so
   * that two deployments in one account and region never list or terminate each other's. Defaults to the
   * store's table name, which is unique in an account and region.
   */
  deployment: string;
  /** SSM Parameter Store SecureString names of the Slack secrets (read by the Lambdas, cached while warm). */
  parameters: { slackSigningSecret: string; slackBotToken: string };
}

/** One-time jobs: in-process timers (local), or EventBridge Scheduler `at()` schedules invoking the worker. */
export type SchedulerConfig =
  | { kind: 'local' }
  | {
      kind: 'eventbridge';
      /** Schedule group holding every Drawbridge schedule. */
      group: string;
      /** ARN of the worker Lambda the schedules invoke. */
      targetArn: string;
      /** Role EventBridge Scheduler assumes to invoke the worker. */
      roleArn: string;
      /** SQS dead-letter queue for invocations that failed every retry. */
      deadLetterArn?: string;
      maximumRetryAttempts: number;
      maximumEventAgeSeconds: number;
    };

/** Hand-off from a fast path (a Slack ack) to the worker: in-process, or an asynchronous Lambda Invoke. */
export type QueueConfig = { kind: 'in-process' } | { kind: 'lambda'; functionName: string };

/** dynalite in-process (in memory without `path`, on disk with it), or a real DynamoDB table. */
export type StoreConfig =
  | { kind: 'dynalite'; path?: string }
  /** `region` is aws.region in `aws` mode unless the file names another. */
  | { kind: 'dynamodb'; table: string; region?: string; endpoint?: string };

export type BastionConfig = LocalBastionConfig | Ec2BastionConfig;

export interface LocalBastionConfig {
  kind: 'local';
  /** Loopback network (CIDR) the local bastions take their source addresses from, e.g. `127.77.0.0/16`. */
  sourceNetwork: string;
  prefixLength: 16 | 24;
}

/** A per-request EC2 instance reached through SSM Session Manager. */
export interface Ec2BastionConfig {
  kind: 'ec2';
  /** Subnet ids, tried in turn when one has no capacity. */
  subnets: string[];
  securityGroup: string;
  /** Instance profile name or ARN (AmazonSSMManagedInstanceCore only). */
  instanceProfile: string;
  /** e.g. t3.micro; must match the AMI's architecture. */
  instanceType: string;
  /** `ami-…`, or an SSM parameter path such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64. */
  ami: string;
  /** Hard limit on running + SSM agent Online, in seconds. */
  readyTimeoutSeconds: number;
  /** The local port in the port-forwarding command the DM shows. */
  localPort: number;
  /**
   * The Session Manager document of the port-forwarding command the DM shows: the stack's
   * `<stack>-PortForwardToDatabase`, whose host and port can only be a database's.
   */
  portForwardingDocument: string;
}

export interface SlackConfig {
  /** The slash command, `/bastion` unless configured. */
  command: string;
}

/** Who is who without Slack (local mode, the demo); always empty in `aws` mode, where Slack says. */
export interface DirectoryConfig {
  users: DirectoryUserConfig[];
}

export interface DirectoryUserConfig {
  id: string;
  email: string;
  name?: string;
  /** User-group ids (`S…`) the user belongs to. */
  groups: string[];
}

/** `roles` where the server has them, `direct` per-table grants otherwise; `auto` asks the server. */
export type GrantMode = 'auto' | 'roles' | 'direct';
/** `KILL <id>` on MySQL/MariaDB, `CALL mysql.rds_kill(<id>)` on RDS/Aurora. */
export type KillMethod = 'kill' | 'rds_kill';

export interface DatabaseConfig {
  host: string;
  port: number;
  adminUser: string;
  /** Secret: never log it or put it in a message. Empty in `aws` mode, where adminPasswordParameter holds it. */
  adminPassword: string;
  socketPath?: string;
  tls: boolean;
  /** PEM bundle of CAs to trust for TLS (the RDS global bundle for Aurora); the system CAs when absent. */
  caBundlePath?: string;
  /** AWS mode (required there, refused locally): SSM SecureString holding the admin password. */
  adminPasswordParameter?: string;
}

export interface TargetConfig {
  name: string;
  description: string;
  database: DatabaseConfig;
  schemas: string[];
  /** Table name patterns (`*` any run of characters, `?` one character) never granted. */
  protectedTables: string[];
  grantMode: GrantMode;
  kill: KillMethod;
  /** Slack channel id (`C…`/`G…`) of the approval messages; optional in local mode. */
  approvalChannel?: string;
  /** Break-glass and one policy per offered tier (a tier absent from the config is not offered). */
  policy: TargetPolicy;
  activity: ActivityConfig;
}

export interface ConfigError {
  code: 'invalid_config';
  /** Every problem found, one per line, each starting with the key path. */
  message: string;
}
