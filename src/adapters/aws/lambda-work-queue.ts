import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { DependencyError } from '../../domain/errors.js';
import type { WorkItem, WorkQueue } from '../../domain/ports.js';
import { awsErrorName, isAwsError } from './aws-error-names.js';
import { realSleep, retryThrottled, type Sleep } from './throttle-retry.js';
import { workEvent } from './worker-event.js';

export interface LambdaWorkQueueOptions {
  client: LambdaClient;
  /** Name or ARN of the worker function. */
  functionName: string;
  /** Pause between throttled attempts (tests pass a recorder). */
  sleep?: Sleep;
  /** Retries of a throttled Invoke after the first attempt; 3 unless told. */
  throttleRetries?: number;
}

/** Lambda's answer to an accepted asynchronous invocation. */
const ACCEPTED = 202;

/**
 * Hands work to the worker Lambda by asynchronous Invoke (`InvocationType: 'Event'`): Lambda queues the event
 * and answers 202 at once, so the Slack function can ack within its second. Lambda retries a failed run
 * itself (twice by default); the worker's use cases are idempotent, so a repeat changes nothing.
 */
export class LambdaWorkQueue implements WorkQueue {
  private readonly client: LambdaClient;
  private readonly functionName: string;
  private readonly sleep: Sleep;
  private readonly throttleRetries: number;
  private readonly encoder = new TextEncoder();

  constructor(options: LambdaWorkQueueOptions) {
    this.client = options.client;
    this.functionName = options.functionName;
    this.sleep = options.sleep ?? realSleep;
    this.throttleRetries = options.throttleRetries ?? 3;
  }

  async enqueue(item: WorkItem): Promise<void> {
    const what = `${item.kind}${'requestId' in item ? ` of ${item.requestId}` : ''}`;
    const command = new InvokeCommand({
      FunctionName: this.functionName,
      InvocationType: 'Event',
      Payload: this.encoder.encode(JSON.stringify(workEvent(item))),
    });
    let response: InvokeCommandOutput;
    try {
      response = await retryThrottled(() => this.client.send(command), {
        isThrottle: (error) => isAwsError(error, 'TooManyRequestsException'),
        retries: this.throttleRetries,
        baseDelayMs: 200,
        maxDelayMs: 2_000,
        requestedDelayMs: retryAfterMs,
        sleep: this.sleep,
      });
    } catch (error) {
      throw new DependencyError('lambda.invoke', `cannot hand off ${what}: ${awsErrorName(error)}`, {
        cause: error,
      });
    }
    if (response.FunctionError !== undefined) {
      throw new DependencyError('lambda.invoke', `cannot hand off ${what}: ${response.FunctionError}`);
    }
    if (response.StatusCode !== ACCEPTED) {
      throw new DependencyError(
        'lambda.invoke',
        `cannot hand off ${what}: status ${response.StatusCode ?? 'missing'}, expected ${ACCEPTED}`,
      );
    }
  }
}

/** TooManyRequestsException carries `retryAfterSeconds` (a string) when Lambda knows how long to wait. */
function retryAfterMs(error: unknown): number | undefined {
  const seconds = Number((error as { retryAfterSeconds?: unknown }).retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
