import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { LambdaWorkQueue } from '../../../src/adapters/aws/lambda-work-queue.js';
import { workerEventSchema } from '../../../src/adapters/aws/worker-event.js';
import { DependencyError } from '../../../src/domain/errors.js';
import type { WorkItem } from '../../../src/domain/ports.js';
import { workItemArbitrary } from './worker-event-arbitrary.js';

const FUNCTION = 'drawbridge-worker';
const meta = { $metadata: {} };
const lambda = mockClient(LambdaClient);

function make() {
  const sleeps: number[] = [];
  const queue = new LambdaWorkQueue({
    client: new LambdaClient({ region: 'eu-west-1' }),
    functionName: FUNCTION,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { queue, sleeps };
}

const invokeInputs = () => lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
const decoded = (payload: unknown): unknown =>
  workerEventSchema.parse(JSON.parse(new TextDecoder().decode(payload as Uint8Array)));

const provision: WorkItem = { kind: 'provision', requestId: 'r-abcdefghjk' };

beforeEach(() => {
  lambda.reset();
});

describe('LambdaWorkQueue', () => {
  it('invokes the worker asynchronously with the work event as UTF-8 JSON', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202, ...meta });
    await make().queue.enqueue(provision);
    const [input] = invokeInputs();
    expect(input).toEqual({
      FunctionName: FUNCTION,
      InvocationType: 'Event',
      Payload: expect.any(Uint8Array),
    });
    expect(decoded(input?.Payload)).toEqual({ kind: 'work', item: provision });
  });

  it('non-ASCII reasons survive the trip as UTF-8', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202, ...meta });
    const item: WorkItem = { kind: 'teardown', requestId: 'r-abcdefghjk', reason: 'ended by Zoë — 終了 🚪' };
    await make().queue.enqueue(item);
    expect(decoded(invokeInputs()[0]?.Payload)).toEqual({ kind: 'work', item });
  });

  it('any work item decodes back to itself through the worker schema', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202, ...meta });
    const { queue } = make();
    await fc.assert(
      fc.asyncProperty(workItemArbitrary, async (item) => {
        lambda.resetHistory();
        await queue.enqueue(item);
        expect(decoded(invokeInputs()[0]?.Payload)).toEqual({ kind: 'work', item });
      }),
      { numRuns: 50 },
    );
  });

  it('a FunctionError is a DependencyError lambda.invoke', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202, FunctionError: 'Unhandled', ...meta });
    const failure = make().queue.enqueue(provision);
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    await expect(failure).rejects.toMatchObject({
      step: 'lambda.invoke',
      message: 'lambda.invoke: cannot hand off provision of r-abcdefghjk: Unhandled',
    });
  });

  it.each([200, 204, 500, undefined])(
    'status %s instead of 202 is a DependencyError lambda.invoke',
    async (status) => {
      lambda.on(InvokeCommand).resolves({ ...(status === undefined ? {} : { StatusCode: status }), ...meta });
      await expect(make().queue.enqueue({ kind: 'sweep' })).rejects.toMatchObject({
        step: 'lambda.invoke',
        message: `lambda.invoke: cannot hand off sweep: status ${status ?? 'missing'}, expected 202`,
      });
    },
  );

  it("TooManyRequestsException is retried with backoff, honouring Lambda's retryAfterSeconds", async () => {
    lambda
      .on(InvokeCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', ...meta }))
      .rejectsOnce(
        new TooManyRequestsException({ message: 'Rate exceeded', retryAfterSeconds: '1', ...meta }),
      )
      .resolves({ StatusCode: 202, ...meta });
    const { queue, sleeps } = make();
    await queue.enqueue(provision);
    expect(invokeInputs()).toHaveLength(3);
    expect(sleeps).toEqual([200, 1000]);
  });

  it('throttling that never stops ends in a DependencyError after a bounded number of attempts', async () => {
    const throttle = new TooManyRequestsException({
      message: 'Rate exceeded',
      retryAfterSeconds: '60',
      ...meta,
    });
    lambda.on(InvokeCommand).rejects(throttle);
    const { queue, sleeps } = make();
    await expect(queue.enqueue(provision)).rejects.toMatchObject({
      step: 'lambda.invoke',
      message: 'lambda.invoke: cannot hand off provision of r-abcdefghjk: TooManyRequestsException',
      cause: throttle,
    });
    expect(invokeInputs()).toHaveLength(4);
    // The service's 60 s request is capped: a Slack ack cannot wait that long.
    expect(sleeps).toEqual([2000, 2000, 2000]);
  });

  it('other SDK errors are not retried and become a DependencyError with the cause', async () => {
    const missing = new ResourceNotFoundException({ message: 'Function not found', ...meta });
    lambda.on(InvokeCommand).rejects(missing);
    const { queue, sleeps } = make();
    await expect(queue.enqueue(provision)).rejects.toMatchObject({ step: 'lambda.invoke', cause: missing });
    expect(invokeInputs()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
