/**
 * What the worker Lambda receives, from three senders that must agree: an EventBridge Scheduler one-time
 * schedule (its target `Input`), the work queue's asynchronous Invoke (its `Payload`), and the `rate(5 minutes)`
 * sweeper schedule (and the daily digest's cron schedule, a work item). One schema for all three, so a sender and the handler cannot drift apart.
 */
import { z } from 'zod';
import type { Job, JobKind, WorkItem } from '../../domain/ports.js';
import { requestIdSchema } from '../../domain/request-id.js';
import { err, ok, type Result } from '../../domain/result.js';

/** Teardown reasons are short sentences ("ended early by the requester"); the cap keeps any event far below
 * Scheduler's 8 KB `Input` limit. */
export const TEARDOWN_REASON_MAX_LENGTH = 1000;

const JOB_KINDS = ['approval-timeout', 'warn', 'teardown'] as const satisfies readonly JobKind[];

const slackUserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'not a Slack user id');

const jobSchema = z.strictObject({ requestId: requestIdSchema, kind: z.enum(JOB_KINDS) });

const workItemSchema = z.discriminatedUnion('kind', [
  // exactOptional: `resume` may be absent but never `undefined`, as WorkItem says under exactOptionalPropertyTypes.
  z.strictObject({
    kind: z.literal('provision'),
    requestId: requestIdSchema,
    resume: z.boolean().exactOptional(),
  }),
  z.strictObject({
    kind: z.literal('teardown'),
    requestId: requestIdSchema,
    reason: z.string().min(1).max(TEARDOWN_REASON_MAX_LENGTH),
  }),
  z.strictObject({ kind: z.literal('sweep') }),
  z.strictObject({ kind: z.literal('digest') }),
  z.strictObject({
    kind: z.literal('reveal-credentials'),
    requestId: requestIdSchema,
    actor: slackUserIdSchema,
    viewId: z.string().regex(/^V[A-Z0-9]{4,30}$/, 'not a Slack view id'),
  }),
  z.strictObject({
    kind: z.literal('refresh-grants'),
    requestId: requestIdSchema,
    actor: slackUserIdSchema,
    responseUrl: z
      .string()
      .max(2_000)
      .regex(/^https?:\/\/\S+$/, 'not a response URL'),
  }),
]);

/**
 * Strict at every level: an event with an unknown key is refused rather than half-understood, since every
 * sender is Drawbridge itself (or the CDK app's sweeper schedule) and deploys together with the worker.
 */
export const workerEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('job'), job: jobSchema }),
  z.strictObject({ kind: z.literal('work'), item: workItemSchema }),
  z.strictObject({ kind: z.literal('sweep') }),
]);

/** A scheduled job firing, a handed-off work item, or the periodic sweep. */
export type WorkerEvent =
  | { kind: 'job'; job: Pick<Job, 'requestId' | 'kind'> }
  | { kind: 'work'; item: WorkItem }
  | { kind: 'sweep' };

export interface WorkerEventError {
  code: 'invalid_worker_event';
  /** Each problem as `path: message`, one per line; never the event itself (it is not ours to echo). */
  message: string;
}

// Compile-time proof that the schema's output is exactly WorkerEvent, both ways.
type SchemaOutput = z.output<typeof workerEventSchema>;
const _schemaMatches: [SchemaOutput] extends [WorkerEvent]
  ? [WorkerEvent] extends [SchemaOutput]
    ? true
    : false
  : false = true;
void _schemaMatches;

/** Validates what the worker was invoked with. Never throws. */
export function parseWorkerEvent(input: unknown): Result<WorkerEvent, WorkerEventError> {
  const parsed = workerEventSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const message = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`)
    .join('\n');
  return err({ code: 'invalid_worker_event', message });
}

/** The event a schedule fires with. Only the request id and kind travel: the worker reads the rest from the store. */
export function jobEvent(job: Pick<Job, 'requestId' | 'kind'>): WorkerEvent {
  return { kind: 'job', job: { requestId: job.requestId, kind: job.kind } };
}

/** The event the work queue invokes the worker with; copies only the fields WorkItem defines. */
export function workEvent(item: WorkItem): WorkerEvent {
  switch (item.kind) {
    case 'provision':
      return {
        kind: 'work',
        item: {
          kind: 'provision',
          requestId: item.requestId,
          ...(item.resume !== undefined ? { resume: item.resume } : {}),
        },
      };
    case 'teardown':
      return { kind: 'work', item: { kind: 'teardown', requestId: item.requestId, reason: item.reason } };
    case 'sweep':
    case 'digest':
      return { kind: 'work', item: { kind: item.kind } };
    case 'reveal-credentials':
      return {
        kind: 'work',
        item: { kind: item.kind, requestId: item.requestId, actor: item.actor, viewId: item.viewId },
      };
    case 'refresh-grants':
      return {
        kind: 'work',
        item: {
          kind: item.kind,
          requestId: item.requestId,
          actor: item.actor,
          responseUrl: item.responseUrl,
        },
      };
  }
}
