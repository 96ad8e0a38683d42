import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { DependencyError } from '../../domain/errors.js';
import type { WorkItem, WorkQueue } from '../../domain/ports.js';
import { attemptsNote, awsErrorName } from './aws-errors.js';
import { workEvent } from './worker-event.js';

export interface LambdaWorkQueueOptions {
  client: LambdaClient;
  /** Name or ARN of the worker function. */
  functionName: string;
}

/** Lambda's answer to an accepted asynchronous invocation. */
const ACCEPTED = 202;

/**
 * Hands work to the worker Lambda by asynchronous Invoke (`InvocationType: 'Event'`): Lambda queues the event
 * and answers 202 at once, so the Slack function can ack within its second. A throttled Invoke
 * (TooManyRequestsException, with Lambda's Retry-After) is retried by the client's own retry strategy. Lambda
 * retries a failed run itself (twice by default); the worker's use cases are idempotent, so a repeat changes
 * nothing.
 */
export class LambdaWorkQueue implements WorkQueue {
  private readonly client: LambdaClient;
  private readonly functionName: string;
  private readonly encoder = new TextEncoder();

  constructor(options: LambdaWorkQueueOptions) {
    this.client = options.client;
    this.functionName = options.functionName;
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
      response = await this.client.send(command);
    } catch (error) {
      throw new DependencyError(
        'lambda.invoke',
        `cannot hand off ${what}: ${awsErrorName(error)}${attemptsNote(error)}`,
        { cause: error },
      );
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
