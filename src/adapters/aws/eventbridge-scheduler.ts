import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { DependencyError, DrawbridgeError } from '../../domain/errors.js';
import type { Job, JobKind, Scheduler } from '../../domain/ports.js';
import { attemptsNote, awsErrorName, isAwsError } from './aws-errors.js';
import { jobEvent, parseWorkerEvent } from './worker-event.js';

/**
 * What the adapter needs of the `eventbridge` SchedulerConfig (config/config-types.ts), restated here so that
 * adapters do not import from entry/; that config is assignable to it as it is.
 */
export interface EventBridgeSchedulerConfig {
  group: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn?: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

export interface EventBridgeSchedulerOptions {
  client: SchedulerClient;
  config: EventBridgeSchedulerConfig;
  now?: () => Date;
}

/**
 * How far ahead of now a schedule is placed at the least. Scheduler evaluates `at()` with one-minute precision
 * and has no documented promise for a time already past (reports differ: refused, or accepted and never fired),
 * so a job due now or earlier is placed one minute out — it fires within about two minutes, rather than
 * failing a provisioning step or silently never firing. The sweeper catches anything later than that.
 */
export const MIN_LEAD_MS = 60_000;

/** Scheduler's limits on a schedule name. */
const NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** The schedule of one job: `drawbridge-<requestId>-<kind>` (at most 40 characters for a valid request id). */
export function scheduleName(requestId: string, kind: JobKind): string {
  return `drawbridge-${requestId}-${kind}`;
}

/**
 * The UTC time a job's schedule is placed at: its own time rounded up to the whole second (`at()` has no
 * fractions, and a teardown must never come early by our rounding), or now + MIN_LEAD_MS if that is later.
 * An invalid date counts as due now: for a teardown, late is the unsafe direction.
 */
export function effectiveFireTime(at: Date, now: Date): Date {
  const earliest = now.getTime() + MIN_LEAD_MS;
  const wanted = Number.isNaN(at.getTime()) ? earliest : at.getTime();
  return new Date(Math.ceil(Math.max(wanted, earliest) / 1000) * 1000);
}

/** `at(yyyy-mm-ddThh:mm:ss)`, read by Scheduler in `ScheduleExpressionTimezone` (always UTC here). */
export function atExpression(time: Date): string {
  return `at(${time.toISOString().slice(0, 19)})`;
}

/**
 * One-time jobs as EventBridge Scheduler `at()` schedules in one group, each invoking the worker with a
 * `job` event and deleting itself after it ran (`ActionAfterCompletion: DELETE`). Create or move is one
 * operation: a name that exists (ConflictException) is updated with the same full input.
 */
export class EventBridgeScheduler implements Scheduler {
  private readonly client: SchedulerClient;
  private readonly config: EventBridgeSchedulerConfig;
  private readonly now: () => Date;

  constructor(options: EventBridgeSchedulerOptions) {
    this.client = options.client;
    this.config = options.config;
    this.now = options.now ?? (() => new Date());
  }

  async schedule(job: Job): Promise<void> {
    const input = this.inputFor(job);
    if (await this.tryCreate(input)) return;
    try {
      await this.client.send(new UpdateScheduleCommand(input));
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException')) throw failure('scheduler.update', input, error);
      // It fired and deleted itself between our create and our update: the caller still wants it, so once more.
      if (await this.tryCreate(input)) return;
      throw new DependencyError('scheduler.create', `schedule ${input.Name} keeps changing concurrently`, {
        cause: error,
      });
    }
  }

  async cancel(requestId: string, kind: JobKind): Promise<void> {
    const input = { Name: scheduleName(requestId, kind), GroupName: this.config.group };
    try {
      await this.client.send(new DeleteScheduleCommand(input));
    } catch (error) {
      // Already gone: it ran and deleted itself, or was never created.
      if (isAwsError(error, 'ResourceNotFoundException')) return;
      throw failure('scheduler.delete', input, error);
    }
  }

  /** The full CreateSchedule input; UpdateSchedule takes the same. */
  inputFor(job: Job): CreateScheduleCommandInput {
    const event = jobEvent(job);
    // The worker will parse this event; refusing it here keeps a bad id from becoming a schedule that fails later.
    const parsed = parseWorkerEvent(event);
    const name = scheduleName(job.requestId, job.kind);
    if (!parsed.ok || !NAME_PATTERN.test(name)) {
      throw new DrawbridgeError(
        'invalid_worker_event',
        `cannot schedule ${job.kind}: ${parsed.ok ? 'invalid schedule name' : parsed.error.message}`,
      );
    }
    const fireAt = effectiveFireTime(job.at, this.now());
    const { targetArn, roleArn, deadLetterArn, maximumRetryAttempts, maximumEventAgeSeconds } = this.config;
    return {
      Name: name,
      GroupName: this.config.group,
      Description: `Drawbridge ${job.kind} of ${job.requestId}, due ${fireAt.toISOString()}`,
      ScheduleExpression: atExpression(fireAt),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        Input: JSON.stringify(event),
        RetryPolicy: {
          MaximumRetryAttempts: maximumRetryAttempts,
          MaximumEventAgeInSeconds: maximumEventAgeSeconds,
        },
        ...(deadLetterArn !== undefined ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
      },
    };
  }

  /** True when created, false when a schedule of that name exists already. */
  private async tryCreate(input: CreateScheduleCommandInput): Promise<boolean> {
    try {
      await this.client.send(new CreateScheduleCommand(input));
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConflictException')) return false;
      throw failure('scheduler.create', input, error);
    }
  }
}

function failure(step: string, input: { Name?: string | undefined }, error: unknown): DependencyError {
  return new DependencyError(step, `schedule ${input.Name}: ${awsErrorName(error)}${attemptsNote(error)}`, {
    cause: error,
  });
}
