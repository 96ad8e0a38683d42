import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WorkerEvent } from '../../src/adapters/aws/worker-event.js';

/**
 * The group of every schedule of one deployment (the config's `scheduler.group`): the stack's name, so that
 * two deployments in one account and region each have their own.
 */
export const scheduleGroupName = (stack: Stack): string => stack.stackName;
/** The sweeper's schedule; one-time job schedules are `drawbridge-<request id>-<kind>`, so no clash. */
export const SWEEPER_SCHEDULE = 'drawbridge-sweeper';
/** What the sweeper fires with: the worker's `sweep` event (src/adapters/aws/worker-event.ts). */
export const SWEEP_EVENT: WorkerEvent = { kind: 'sweep' };
export const DIGEST_SCHEDULE = 'drawbridge-digest';
/** What the daily digest fires with: the worker's `digest` work item. */
export const DIGEST_EVENT: WorkerEvent = { kind: 'work', item: { kind: 'digest' } };

export interface DrawbridgeSchedulingProps {
  /** Encrypts the dead-letter queue. */
  key: kms.IKey;
}

/**
 * EventBridge Scheduler for Drawbridge: the schedule group, the role the schedules run as, the
 * dead-letter queue of invocations that failed every retry, and — once `target(worker)` is called — the
 * scheduler's right to invoke the worker (and nothing else) and the `rate(5 minutes)` sweeper.
 */
export class DrawbridgeScheduling extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly groupName: string;
  /** Assumed by EventBridge Scheduler for every Drawbridge schedule. */
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DrawbridgeSchedulingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.groupName = scheduleGroupName(stack);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', { name: this.groupName });

    // Only schedules of this account's Drawbridge group may use the role (confused-deputy guard).
    this.role = new iam.Role(this, 'Role', {
      description: 'EventBridge Scheduler: invokes the Drawbridge worker and dead-letters to its queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.groupArn() },
        },
      }),
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    // SendMessage only; a producer to an SSE-KMS queue needs GenerateDataKey and Decrypt on the key.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
      }),
    );
  }

  /** `arn:…:schedule-group/<stack name>`. */
  groupArn(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule-group',
      resourceName: this.groupName,
    });
  }

  /**
   * Lets the schedules invoke `worker` (its unqualified ARN only) and creates the sweeper: every 5 minutes,
   * flexible window OFF, the `sweep` event, a short retry budget — a sweep older than the next one is worthless —
   * and the dead-letter queue so a sweeper that cannot reach the worker is visible.
   */
  target(worker: lambda.IFunction): scheduler.CfnSchedule {
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [worker.functionArn] }),
    );
    const sweeper = new scheduler.CfnSchedule(this, 'Sweeper', {
      name: SWEEPER_SCHEDULE,
      groupName: this.groupName,
      description:
        'Drawbridge sweeper: tears down anything past expiry, orphan bastions and stuck provisioning',
      scheduleExpression: 'rate(5 minutes)',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: worker.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(SWEEP_EVENT),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 240 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    // The group must exist first, and the first firing must not race the role's policy.
    sweeper.node.addDependency(this.group, this.role);
    return sweeper;
  }

  /**
   * The daily digest: a cron schedule at `at` (UTC), flexible window OFF, retried for up to an hour (a late
   * digest still witnesses the histories), dead-lettered like the rest. `target(worker)` grants the invoke.
   */
  digest(worker: lambda.IFunction, at: { hour: number; minute: number }): scheduler.CfnSchedule {
    const schedule = new scheduler.CfnSchedule(this, 'Digest', {
      name: DIGEST_SCHEDULE,
      groupName: this.groupName,
      description: 'Drawbridge daily digest: every write and DDL of the last 24 h, and the chain heads',
      scheduleExpression: `cron(${at.minute} ${at.hour} * * ? *)`,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: worker.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(DIGEST_EVENT),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    schedule.node.addDependency(this.group, this.role);
    return schedule;
  }

  /**
   * Lets `grantee` manage the one-time job schedules: Create/Update/Delete/GetSchedule inside the Drawbridge
   * group only, and pass the scheduler role — to EventBridge Scheduler only — as those schedules' role.
   */
  grantManageSchedules(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
      ],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${this.groupName}/*`,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
