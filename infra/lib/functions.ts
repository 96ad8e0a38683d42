import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CONFIG_FILE_NAME, lambdaCode, sqlParserLayer } from './lambda-asset.js';
import type { InfraProps } from './props.js';
import type { DrawbridgeScheduling } from './scheduling.js';

/**
 * The environment both functions get. The config file deployed beside them names these as `${…}`, so the
 * stack's generated names and ARNs reach the config without anyone copying them by hand.
 */
export const FUNCTION_ENV = {
  config: 'DRAWBRIDGE_CONFIG',
  table: 'DRAWBRIDGE_TABLE_NAME',
  deployment: 'DRAWBRIDGE_DEPLOYMENT',
  workerArn: 'DRAWBRIDGE_WORKER_ARN',
  workerName: 'DRAWBRIDGE_WORKER_NAME',
  schedulerRoleArn: 'DRAWBRIDGE_SCHEDULER_ROLE_ARN',
  scheduleGroup: 'DRAWBRIDGE_SCHEDULE_GROUP',
  deadLetterArn: 'DRAWBRIDGE_DLQ_ARN',
  bastionSecurityGroup: 'DRAWBRIDGE_BASTION_SECURITY_GROUP',
  bastionInstanceProfile: 'DRAWBRIDGE_BASTION_INSTANCE_PROFILE_ARN',
  portForwardingDocument: 'DRAWBRIDGE_PORT_FORWARDING_DOCUMENT',
  slackSigningSecretParameter: 'DRAWBRIDGE_SLACK_SIGNING_SECRET_PARAMETER',
  slackBotTokenParameter: 'DRAWBRIDGE_SLACK_BOT_TOKEN_PARAMETER',
  historyKeyArn: 'DRAWBRIDGE_HISTORY_KEY_ARN',
  exportBucket: 'DRAWBRIDGE_EXPORT_BUCKET',
  runSourceNetwork: 'DRAWBRIDGE_RUN_SOURCE_NETWORK',
} as const;

/** The DynamoDB calls of src/adapters/dynamodb (request store, name claims, Slack message refs). */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:Scan',
] as const;

/** `10.0.0.0/16` as MySQL writes an account host for a network: `10.0.0.0/255.255.0.0`. */
export function mysqlNetmaskHost(cidr: string): string {
  const [address, bits] = cidr.split('/') as [string, string];
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const octets = [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255);
  return `${address}/${octets.join('.')}`;
}

/** Slack storms (retries, a busy channel) stay within this and never starve the rest of the account. */
export const SLACK_CONCURRENCY = 20;
/** Bounds parallel provisionings, hence parallel EC2 launches and MySQL admin connections. */
export const WORKER_CONCURRENCY = 10;

export interface DrawbridgeFunctionsProps {
  infra: InfraProps;
  vpc: ec2.IVpc;
  key: kms.IKey;
  /** Signs the history's chain heads: kms:Sign for both functions, nothing else. */
  historyKey: kms.IKey;
  /** Large run exports: the worker writes them and presigns links to them. */
  exports: s3.Bucket;
  table: dynamodb.Table;
  scheduling: DrawbridgeScheduling;
  /** What the worker launches bastions with (the bastion construct's outputs). */
  bastion: { securityGroupId: string; instanceProfileArn: string; portForwardingDocument: string };
}

/**
 * The `slack` and `worker` Lambdas, in the VPC's private subnets behind one security group that
 * may reach HTTPS (Slack; AWS APIs through endpoints or NAT) and the databases' port, nothing else.
 *
 * arm64: the bundle is plain JavaScript (no native module; mysql2 and Bolt are pure JS), and Graviton Lambda
 * costs about 20% less per GB-second for the same work.
 *
 * IAM, both functions: the table (read/write), their SSM parameters, the job schedules in the Drawbridge group
 * (plus passing the scheduler role to Scheduler only) and invoking the worker. The `slack` function is
 * deliberately more than "invoke the worker and read its parameters": it records decisions (one conditional
 * write per click, so the approver sees the result at once) and arms or cancels approval-timeout and extension
 * schedules. It gets no EC2 or SSM-instance right at all; those are the worker's alone (bastion.ts).
 *
 * Function names are fixed (`<stack>-slack`, `<stack>-worker`) so that the worker's ARN is known without
 * referring to the function itself: the worker's own environment and policy name it (it schedules jobs that
 * target itself and hands itself provisioning work after a restart), which a `GetAtt` would make circular.
 */
export class DrawbridgeFunctions extends Construct {
  readonly slack: lambda.Function;
  readonly worker: lambda.Function;
  readonly slackUrl: lambda.FunctionUrl;
  /** The worker's: HTTPS out and the database port to the databases. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The slack function's: HTTPS out only — it reaches no database. */
  readonly slackSecurityGroup: ec2.SecurityGroup;
  readonly slackLogGroup: logs.LogGroup;
  readonly workerLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DrawbridgeFunctionsProps) {
    super(scope, id);
    const { infra, scheduling } = props;
    const stack = Stack.of(this);
    const workerName = functionName(stack, 'worker');
    const workerArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: workerName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'Drawbridge Lambdas (worker): HTTPS out and the database port to the database security groups',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Slack and AWS APIs');
    this.slackSecurityGroup = new ec2.SecurityGroup(this, 'SlackSecurityGroup', {
      vpc: props.vpc,
      description: 'Drawbridge slack function: HTTPS out only (Slack and AWS APIs), no database',
      allowAllOutbound: false,
    });
    this.slackSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Slack and AWS APIs');
    infra.databaseSecurityGroupIds.forEach((sgId, i) => {
      const database = ec2.SecurityGroup.fromSecurityGroupId(this, `Database${i}`, sgId);
      // Egress on ours and the matching ingress (AWS::EC2::SecurityGroupIngress) on the imported group.
      this.securityGroup.connections.allowTo(
        database,
        ec2.Port.tcp(infra.databasePort),
        'Drawbridge Lambdas',
      );
    });

    const environment: Record<string, string> = {
      [FUNCTION_ENV.config]: `./${CONFIG_FILE_NAME}`,
      [FUNCTION_ENV.table]: props.table.tableName,
      // The bastions' drawbridge:deployment tag; the worker's IAM policy allows only this value.
      [FUNCTION_ENV.deployment]: stack.stackName,
      [FUNCTION_ENV.workerArn]: workerArn,
      [FUNCTION_ENV.workerName]: workerName,
      [FUNCTION_ENV.schedulerRoleArn]: scheduling.role.roleArn,
      [FUNCTION_ENV.scheduleGroup]: scheduling.groupName,
      [FUNCTION_ENV.deadLetterArn]: scheduling.deadLetterQueue.queueArn,
      [FUNCTION_ENV.bastionSecurityGroup]: props.bastion.securityGroupId,
      [FUNCTION_ENV.bastionInstanceProfile]: props.bastion.instanceProfileArn,
      [FUNCTION_ENV.portForwardingDocument]: props.bastion.portForwardingDocument,
      [FUNCTION_ENV.slackSigningSecretParameter]: infra.slackSigningSecretParameter,
      [FUNCTION_ENV.slackBotTokenParameter]: infra.slackBotTokenParameter,
      [FUNCTION_ENV.historyKeyArn]: props.historyKey.keyArn,
      [FUNCTION_ENV.exportBucket]: props.exports.bucketName,
      ...(infra.vpcCidr ? { [FUNCTION_ENV.runSourceNetwork]: mysqlNetmaskHost(infra.vpcCidr) } : {}),
    };
    const make = (
      name: 'slack' | 'worker',
      timeout: Duration,
      concurrency: number,
      logGroup: logs.LogGroup,
    ) =>
      new lambda.Function(this, name === 'slack' ? 'Slack' : 'Worker', {
        functionName: functionName(stack, name),
        role: executionRole(this, name === 'slack' ? 'SlackRole' : 'WorkerRole', logGroup),
        description:
          name === 'slack'
            ? 'Drawbridge Slack app (Function URL): verifies, acks and hands long work to the worker'
            : 'Drawbridge worker: provision, warn, teardown and sweep',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        handler: 'index.handler',
        code: lambdaCode(this, { name, bundleDir: infra.lambdaBundleDir, configFile: infra.configFile }),
        // CPU scales with memory: 512 MB keeps a cold start (SSM read, Bolt, mysql2) well inside Slack's 3 s.
        memorySize: 512,
        timeout,
        reservedConcurrentExecutions: concurrency,
        vpc: props.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [name === 'slack' ? this.slackSecurityGroup : this.securityGroup],
        environment,
        logGroup,
      });
    // Named, so that the key policy can name them (data.ts) without a reference back to them.
    const logGroup = (id: string, name: 'slack' | 'worker') =>
      new logs.LogGroup(this, id, {
        logGroupName: functionLogGroupName(stack, name),
        retention: logs.RetentionDays.THREE_MONTHS,
        encryptionKey: props.key,
      });

    this.slackLogGroup = logGroup('SlackLogs', 'slack');
    this.workerLogGroup = logGroup('WorkerLogs', 'worker');
    // Slack waits 3 s for an ack; 10 s leaves room for a cold start (SSM, Bolt) without hiding a hang.
    this.slack = make('slack', Duration.seconds(10), SLACK_CONCURRENCY, this.slackLogGroup);
    // Provisioning waits for EC2 running plus the SSM agent Online (30 s to minutes): Lambda's maximum.
    this.worker = make('worker', Duration.minutes(15), WORKER_CONCURRENCY, this.workerLogGroup);
    // Runs' SQL parser, shared by both functions as a layer (it would take each bundle past its budget).
    const parser = sqlParserLayer(this, infra.lambdaBundleDir);
    this.slack.addLayers(parser);
    this.worker.addLayers(parser);
    // The slack function names the worker by a computed ARN, which CloudFormation cannot order by itself.
    this.slack.node.addDependency(this.worker);

    // AuthType NONE: Slack cannot sign AWS SigV4 requests. Every request carries Slack's HMAC signature, which
    // the handler (Bolt's AwsLambdaReceiver) verifies — forged or older than 5 minutes → 401 — before any work.
    this.slackUrl = this.slack.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    for (const fn of [this.slack, this.worker]) {
      this.grantTable(fn, props.table, props.key);
      // Both write the history, so both sign its chain heads; neither may verify, decrypt or manage the key.
      props.historyKey.grant(fn, 'kms:Sign');
      this.grantParameters(fn, infra, fn === this.worker);
      scheduling.grantManageSchedules(fn);
    }
    // A large export: written under exports/, read back only through the links the worker presigns.
    this.worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [props.exports.arnForObjects('exports/*')],
      }),
    );
    // The worker reads what each access executed: Aurora's audit export, only the log groups the props name.
    if (infra.auditLogGroups.length > 0) {
      this.worker.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['logs:FilterLogEvents'],
          resources: infra.auditLogGroups.map((name) =>
            stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: `${name}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        }),
      );
    }
    // Only slack hands work to the worker (the worker runs provisioning and teardown itself, sweeps included).
    this.slack.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [workerArn] }),
    );
  }

  /**
   * Exactly what the DynamoDB adapter calls, on the table and its indexes, and the key that encrypts them.
   * No DeleteItem or BatchWriteItem: neither function ever removes a record of the approval log.
   */
  private grantTable(fn: lambda.Function, table: dynamodb.Table, key: kms.IKey): void {
    table.grant(fn, ...TABLE_ACTIONS);
    key.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
  }

  /**
   * Both functions read the Slack secrets once per warm start; only the worker reads the database admin
   * passwords (the internet-facing slack function hands every database action to it).
   */
  private grantParameters(fn: lambda.Function, infra: InfraProps, databases: boolean): void {
    const stack = Stack.of(this);
    const names = [
      infra.slackSigningSecretParameter,
      infra.slackBotTokenParameter,
      ...(databases ? infra.databasePasswordParameters : []),
    ];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: names.map((name) =>
          stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }),
        ),
      }),
    );
    if (infra.parametersKmsKeyArn !== undefined) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [infra.parametersKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
        }),
      );
    }
  }
}

/**
 * A function's execution role without AWS managed policies: AWSLambdaBasicExecutionRole and
 * AWSLambdaVPCAccessExecutionRole would let it create and write any log group of the account. This one may
 * write only its own log group, and manage the network interfaces Lambda needs in the VPC — those EC2
 * actions take no resource narrower than `*` (the interfaces do not exist before Lambda makes them).
 */
function executionRole(scope: Construct, id: string, logGroup: logs.LogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'LambdaNetworkInterfacesInTheVpc',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }),
  );
  return role;
}

/** `/aws/lambda/<stack>-<name>`: where Lambda would put the function's logs, named up front. */
export function functionLogGroupName(stack: Stack, name: 'slack' | 'worker'): string {
  return `/aws/lambda/${functionName(stack, name)}`;
}

/** `<stack>-<name>`, within Lambda's 64-character limit. */
export function functionName(stack: Stack, name: 'slack' | 'worker'): string {
  const full = `${stack.stackName}-${name}`;
  if (full.length > 64)
    throw new Error(`function name ${full} is longer than 64 characters: use a shorter stack name`);
  return full;
}
