import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeScheduler,
  type EventBridgeSchedulerConfig,
  effectiveFireTime,
} from '../../../src/adapters/aws/eventbridge-scheduler.js';
import { workerEventSchema } from '../../../src/adapters/aws/worker-event.js';
import { DependencyError, DrawbridgeError } from '../../../src/domain/errors.js';
import type { Job } from '../../../src/domain/ports.js';

const NOW = new Date('2030-05-01T12:00:00.000Z');
const CONFIG: EventBridgeSchedulerConfig = {
  group: 'drawbridge',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:drawbridge-worker',
  roleArn: 'arn:aws:iam::123456789012:role/drawbridge-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:drawbridge-dlq',
  maximumRetryAttempts: 5,
  maximumEventAgeSeconds: 3600,
};
const { deadLetterArn: _omitted, ...CONFIG_WITHOUT_DLQ } = CONFIG;

const meta = { $metadata: {} };
/** Scheduler's exceptions carry the message twice: the Error's and the modelled `Message`. */
const awsError = (message: string) => ({ message, Message: message, ...meta });
const scheduler = mockClient(SchedulerClient);

function make(config: EventBridgeSchedulerConfig = CONFIG) {
  const adapter = new EventBridgeScheduler({
    client: new SchedulerClient({ region: 'eu-west-1' }),
    config,
    now: () => NOW,
  });
  return { adapter };
}

const teardown: Job = {
  requestId: 'r-abcdefghjk',
  kind: 'teardown',
  at: new Date('2030-05-01T13:30:00.000Z'),
};
const warn: Job = { requestId: 'r-abcdefghjk', kind: 'warn', at: new Date('2030-05-01T13:20:00.000Z') };

/** The whole CreateSchedule input expected for `job`, fired at `at`. */
function expectedInput(job: Job, at: string, config: EventBridgeSchedulerConfig = CONFIG) {
  return {
    Name: `drawbridge-${job.requestId}-${job.kind}`,
    GroupName: 'drawbridge',
    Description: `Drawbridge ${job.kind} of ${job.requestId}, due ${at}.000Z`,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Target: {
      Arn: config.targetArn,
      RoleArn: config.roleArn,
      Input: JSON.stringify({ kind: 'job', job: { requestId: job.requestId, kind: job.kind } }),
      RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
      ...(config.deadLetterArn ? { DeadLetterConfig: { Arn: config.deadLetterArn } } : {}),
    },
  };
}

const createInputs = () => scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
const updateInputs = () => scheduler.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);

beforeEach(() => {
  scheduler.reset();
});

describe('EventBridgeScheduler.schedule', () => {
  it('creates a one-time UTC at() schedule for a teardown, with retries and the dead-letter queue', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    await make().adapter.schedule(teardown);
    expect(createInputs()).toEqual([expectedInput(teardown, '2030-05-01T13:30:00')]);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it('creates the warning without a DeadLetterConfig when none is configured', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make(CONFIG_WITHOUT_DLQ).adapter.schedule(warn);
    const [input] = createInputs();
    expect(input).toEqual(expectedInput(warn, '2030-05-01T13:20:00', CONFIG_WITHOUT_DLQ));
    expect(input?.Target).not.toHaveProperty('DeadLetterConfig');
  });

  it("the target input is a worker event the worker's schema accepts", async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    const { adapter } = make();
    await adapter.schedule(warn);
    await adapter.schedule({ requestId: 'r-23456789mn', kind: 'approval-timeout', at: NOW });
    const events = createInputs().map((input) =>
      workerEventSchema.parse(JSON.parse(input.Target?.Input ?? '')),
    );
    expect(events).toEqual([
      { kind: 'job', job: { requestId: 'r-abcdefghjk', kind: 'warn' } },
      { kind: 'job', job: { requestId: 'r-23456789mn', kind: 'approval-timeout' } },
    ]);
  });

  it('an existing schedule (ConflictException) is moved by UpdateSchedule with the identical input', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException(awsError('Schedule already exists.')));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    await make().adapter.schedule(teardown);
    expect(createInputs()).toEqual([expectedInput(teardown, '2030-05-01T13:30:00')]);
    expect(updateInputs()).toEqual(createInputs());
  });

  it('a schedule that ran and deleted itself between create and update is created again', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(new ConflictException(awsError('exists')))
      .resolves(meta);
    scheduler.on(UpdateScheduleCommand).rejects(new ResourceNotFoundException(awsError('gone')));
    await make().adapter.schedule(teardown);
    expect(createInputs()).toEqual([
      expectedInput(teardown, '2030-05-01T13:30:00'),
      expectedInput(teardown, '2030-05-01T13:30:00'),
    ]);
  });

  it('a time already past is placed one minute from now instead', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    const late: Job = { ...teardown, at: new Date('2030-05-01T11:00:00Z') };
    await make().adapter.schedule(late);
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2030-05-01T12:01:00)');
  });

  it.each<[string, Date, string]>([
    ['a future time keeps its second', new Date('2030-05-01T18:45:07.000Z'), '2030-05-01T18:45:07.000Z'],
    ['fractions round up, never early', new Date('2030-05-01T18:45:07.001Z'), '2030-05-01T18:45:08.000Z'],
    [
      'a time within the minute moves to the minute',
      new Date('2030-05-01T12:00:30.000Z'),
      '2030-05-01T12:01:00.000Z',
    ],
    ['a past time moves to now + 1 minute', new Date('2000-01-01T00:00:00.000Z'), '2030-05-01T12:01:00.000Z'],
    ['an invalid date counts as due now', new Date(Number.NaN), '2030-05-01T12:01:00.000Z'],
  ])('effectiveFireTime: %s', (_, at, expected) => {
    expect(effectiveFireTime(at, NOW).toISOString()).toBe(expected);
  });

  it('a throttle that outlasted the client’s retries is a DependencyError saying how many attempts it took', async () => {
    const throttle = new ThrottlingException({ ...awsError('Rate exceeded'), $metadata: { attempts: 3 } });
    scheduler.on(CreateScheduleCommand).rejects(throttle);
    const failure = make().adapter.schedule(teardown);
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    await expect(failure).rejects.toMatchObject({
      step: 'scheduler.create',
      message:
        'scheduler.create: schedule drawbridge-r-abcdefghjk-teardown: ThrottlingException (after 3 attempts)',
      cause: throttle,
    });
    expect(createInputs()).toHaveLength(1);
  });

  it('other SDK errors become a DependencyError naming the step and the schedule, with the cause', async () => {
    const invalid = new ValidationException(awsError('Invalid Schedule Expression'));
    scheduler.on(CreateScheduleCommand).rejects(invalid);
    await expect(make().adapter.schedule(teardown)).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'scheduler.create',
      message: 'scheduler.create: schedule drawbridge-r-abcdefghjk-teardown: ValidationException',
      cause: invalid,
    });
  });

  it('an update that fails is reported as scheduler.update', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException(awsError('exists')));
    scheduler.on(UpdateScheduleCommand).rejects(new ValidationException(awsError('no')));
    await expect(make().adapter.schedule(teardown)).rejects.toMatchObject({ step: 'scheduler.update' });
  });

  it('refuses a job whose request id the worker would refuse, without calling AWS', async () => {
    const bad: Job = { requestId: 'r-../../etc', kind: 'teardown', at: NOW };
    const failure = make().adapter.schedule(bad);
    await expect(failure).rejects.toBeInstanceOf(DrawbridgeError);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_worker_event' });
    expect(scheduler.calls()).toHaveLength(0);
  });
});

describe('EventBridgeScheduler.cancel', () => {
  it('deletes the schedule of that request and kind in the group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves(meta);
    await make().adapter.cancel('r-abcdefghjk', 'warn');
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'drawbridge-r-abcdefghjk-warn', GroupName: 'drawbridge' },
    ]);
  });

  it('a schedule that does not exist (already ran, or never made) is fine', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException(awsError('not found')));
    await expect(make().adapter.cancel('r-abcdefghjk', 'teardown')).resolves.toBeUndefined();
  });

  it('other failures are a DependencyError scheduler.delete', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ValidationException(awsError('no')));
    await expect(make().adapter.cancel('r-abcdefghjk', 'teardown')).rejects.toMatchObject({
      step: 'scheduler.delete',
      message: 'scheduler.delete: schedule drawbridge-r-abcdefghjk-teardown: ValidationException',
    });
  });
});
