import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { Bastion } from './bastion.js';
import { digestSchedule, ungrantedAuditLogGroups, ungrantedConfigParameters } from './config-parameters.js';
import { DrawbridgeData } from './data.js';
import { DrawbridgeFunctions } from './functions.js';
import { acknowledgeReviewedFindings } from './nag-acknowledgements.js';
import type { InfraProps } from './props.js';
import { DrawbridgeScheduling } from './scheduling.js';

/**
 * The whole Drawbridge deployment. Composes the constructs in this folder:
 *   data.ts       — KMS key, the history signing key, DynamoDB table (on-demand, PITR, deletion protection, GSIs)
 *   functions.ts  — `slack` (Function URL) and `worker` Lambdas in the VPC, their staged assets and env
 *   scheduling.ts — schedule group, scheduler role (invoke worker only), DLQ, the rate(5 minutes) sweeper,
 *                   and the daily digest's cron schedule when the config names a digest channel
 *   bastion.ts    — bastion security group, role + instance profile, Session Manager preferences and logs,
 *                   the requesters' managed policy, and the worker's EC2/SSM/PassRole permissions
 * and declares the outputs the operator needs.
 *
 * The VPC is imported from the props with `Vpc.fromVpcAttributes`, which needs no lookup: synth runs offline.
 */
export class DrawbridgeStack extends Stack {
  readonly data: DrawbridgeData;
  readonly scheduling: DrawbridgeScheduling;
  readonly bastion: Bastion;
  readonly functions: DrawbridgeFunctions;
  /** The Aurora audit log groups the worker may read (the props' auditLogGroups). */
  readonly auditLogGroups: readonly string[];

  constructor(scope: Construct, id: string, props: InfraProps & StackProps) {
    super(scope, id, props);
    this.auditLogGroups = props.auditLogGroups;
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId,
      availabilityZones: props.availabilityZones,
      privateSubnetIds: props.privateSubnetIds,
      privateSubnetIpv4CidrBlocks: props.privateSubnetCidrs,
      ...(props.vpcCidr !== undefined ? { vpcCidrBlock: props.vpcCidr } : {}),
    });
    // Nothing here reads the subnets' route tables (no endpoints or routes are created), so none are asked for.
    Annotations.of(vpc).acknowledgeWarning(
      '@aws-cdk/aws-ec2:noSubnetRouteTableId',
      'route tables are never read',
    );

    // A parameter the config names but the functions may not read breaks every cold start: refuse to deploy.
    for (const problem of [...ungrantedConfigParameters(props), ...ungrantedAuditLogGroups(props)])
      Annotations.of(this).addError(problem);

    const data = new DrawbridgeData(this, 'Data');
    this.data = data;
    const scheduling = new DrawbridgeScheduling(this, 'Scheduling', { key: data.key });
    this.scheduling = scheduling;
    // Not the data key: requesters can reach the bastion's instance credentials from a shell session, and
    // those may decrypt session data — so the session key is the bastion's own (SessionPreferences makes one).
    const bastion = new Bastion(this, 'Bastion', {
      vpc,
      props,
      ...(props.s3PrefixListId !== undefined ? { packageRepositoryPrefixListId: props.s3PrefixListId } : {}),
    });
    this.bastion = bastion;
    const functions = new DrawbridgeFunctions(this, 'Functions', {
      infra: props,
      vpc,
      key: data.key,
      historyKey: data.historyKey,
      exports: data.exports,
      table: data.table,
      scheduling,
      bastion: {
        securityGroupId: bastion.securityGroup.securityGroupId,
        instanceProfileArn: bastion.instanceProfile.instanceProfileArn,
        portForwardingDocument: bastion.portForwardingDocumentName,
      },
    });
    this.functions = functions;
    scheduling.target(functions.worker);
    const digest = digestSchedule(props);
    if (digest) scheduling.digest(functions.worker, digest);
    bastion.grantControl(functions.worker);

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'SlackFunctionUrl',
      functions.slackUrl.url,
      'Request URL of the Slack app (slash command, interactivity, events)',
    );
    output('TableName', data.table.tableName, 'DynamoDB table of requests and the approval log');
    output(
      'ExportBucketName',
      data.exports.bucketName,
      'S3 bucket of large run exports (objects expire after a day)',
    );
    output(
      'HistoryKeyArn',
      data.historyKey.keyArn,
      'KMS key that signs each history (reviewers verify with kms:GetPublicKey)',
    );
    output('SlackLogGroup', functions.slackLogGroup.logGroupName, 'Logs of the slack function');
    output('WorkerLogGroup', functions.workerLogGroup.logGroupName, 'Logs of the worker function');
    output('ScheduleGroup', scheduling.groupName, 'EventBridge Scheduler group of every Drawbridge schedule');
    acknowledgeReviewedFindings(this);
    output(
      'DeadLetterQueueUrl',
      scheduling.deadLetterQueue.queueUrl,
      'Schedule invocations that failed every retry',
    );
  }
}
