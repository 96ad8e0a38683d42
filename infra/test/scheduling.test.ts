// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${DRAWBRIDGE_…}` and rendered references are CloudFormation and config text, not JavaScript.
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWorkerEvent } from '../../src/adapters/aws/worker-event.js';
import { DIGEST_SCHEDULE, SWEEPER_SCHEDULE } from '../lib/scheduling.js';
import { statementsFor } from './iam-statements.js';
import { arnOf, bundleToTemp, synthStack } from './stack-fixture.js';

let remove: () => void;
let synth: ReturnType<typeof synthStack>;
let template: Template;
let ids: { role: string; worker: string; queue: string; key: string; group: string };

beforeAll(async () => {
  const bundle = await bundleToTemp();
  remove = bundle.remove;
  synth = synthStack(bundle.dir);
  template = synth.template;
  const { scheduling, functions, data } = synth.stack;
  ids = {
    role: synth.logicalId(scheduling.role),
    worker: synth.logicalId(functions.worker),
    queue: synth.logicalId(scheduling.deadLetterQueue),
    key: synth.logicalId(data.key),
    group: synth.stack.getLogicalId(scheduling.group),
  };
});
afterAll(() => remove?.());

describe('the schedule group and the scheduler role', () => {
  it('creates the deployment group and outputs its name', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Drawbridge' });
    template.hasOutput('ScheduleGroup', { Value: 'Drawbridge' });
  });

  it('is assumable only by EventBridge Scheduler for this account and the deployment group', () => {
    const role = template.findResources('AWS::IAM::Role')[ids.role]?.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnEquals: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':scheduler:eu-west-1:123456789012:schedule-group/Drawbridge',
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('may invoke the worker (its ARN only), send to the dead-letter queue, and nothing else', () => {
    const statements = statementsFor(template, ids.role);
    expect(statements.map((s) => [s.actions, s.resources])).toEqual(
      expect.arrayContaining([
        [['lambda:InvokeFunction'], [`\${${ids.worker}.Arn}`]],
        [['sqs:SendMessage'], [`\${${ids.queue}.Arn}`]],
        [['kms:GenerateDataKey', 'kms:Decrypt'], [`\${${ids.key}.Arn}`]],
      ]),
    );
    expect(statements).toHaveLength(3);
  });
});

describe('the dead-letter queue', () => {
  it('is encrypted with the data key, keeps messages 14 days and is an output', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: arnOf(ids.key),
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: ids.queue } });
  });
});

describe('the sweeper', () => {
  const sweeper = () =>
    Object.values(
      template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: SWEEPER_SCHEDULE } }),
    )[0];

  it('fires every 5 minutes in the group, flexible window OFF, at the worker as the scheduler role', () => {
    // The sweeper and the daily digest (the example config names a digest channel); nothing else is standing.
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(sweeper()?.Properties).toMatchObject({
      GroupName: 'Drawbridge',
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: arnOf(ids.worker),
        RoleArn: arnOf(ids.role),
        DeadLetterConfig: { Arn: arnOf(ids.queue) },
        RetryPolicy: {
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        },
      },
    });
    expect(sweeper()?.Properties.Target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(300);
    expect(sweeper()?.DependsOn).toContain(ids.group);
  });

  it('fires with an input the worker accepts as the sweep event', () => {
    const input = JSON.parse(sweeper()?.Properties.Target.Input as string) as unknown;
    expect(parseWorkerEvent(input)).toEqual({ ok: true, value: { kind: 'sweep' } });
  });
});

describe('the daily digest', () => {
  const digest = () =>
    Object.values(
      template.findResources('AWS::Scheduler::Schedule', { Properties: { Name: DIGEST_SCHEDULE } }),
    )[0];

  it("fires once a day at the config's digest time (UTC), in the group, at the worker, with the digest work item", () => {
    expect(digest()?.Properties).toMatchObject({
      GroupName: 'Drawbridge',
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: arnOf(ids.worker),
        RoleArn: arnOf(ids.role),
        DeadLetterConfig: { Arn: arnOf(ids.queue) },
      },
    });
    const input = JSON.parse(digest()?.Properties.Target.Input as string) as unknown;
    expect(parseWorkerEvent(input)).toEqual({ ok: true, value: { kind: 'work', item: { kind: 'digest' } } });
  });
});

describe('managing the one-time job schedules', () => {
  it.each(['slack', 'worker'] as const)(
    '%s may manage schedules of the deployment group only, and pass only the scheduler role, only to Scheduler',
    (name) => {
      const fn = synth.stack.functions[name];
      const statements = statementsFor(template, synth.logicalId(fn.role!));
      const schedules = statements.filter((s) => s.actions.some((a) => a.startsWith('scheduler:')));
      expect(schedules).toHaveLength(1);
      expect(schedules[0]?.actions.sort()).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ]);
      expect(schedules[0]?.resources).toEqual([
        'arn:${AWS::Partition}:scheduler:eu-west-1:123456789012:schedule/Drawbridge/*',
      ]);
      const passToScheduler = statements.filter(
        (s) => s.actions.includes('iam:PassRole') && s.resources.includes(`\${${ids.role}.Arn}`),
      );
      expect(passToScheduler).toEqual([
        expect.objectContaining({
          resources: [`\${${ids.role}.Arn}`],
          conditions: { StringEquals: { 'iam:PassedToService': ['scheduler.amazonaws.com'] } },
        }),
      ]);
    },
  );
});
