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
  const queue = new LambdaWorkQueue({
    client: new LambdaClient({ region: 'eu-west-1' }),
    functionName: FUNCTION,
  });
  return { queue };
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

  it('a throttle that outlasted the client’s retries is a DependencyError saying how many attempts it took', async () => {
    // The mock stands in for the whole client, retry layer included: this is what it throws once spent.
    const throttle = new TooManyRequestsException({
      message: 'Rate exceeded',
      retryAfterSeconds: '60',
      $metadata: { attempts: 3 },
    });
    lambda.on(InvokeCommand).rejects(throttle);
    const { queue } = make();
    await expect(queue.enqueue(provision)).rejects.toMatchObject({
      step: 'lambda.invoke',
      message:
        'lambda.invoke: cannot hand off provision of r-abcdefghjk: TooManyRequestsException (after 3 attempts)',
      cause: throttle,
    });
    expect(invokeInputs()).toHaveLength(1);
  });

  it('other SDK errors become a DependencyError with the cause', async () => {
    const missing = new ResourceNotFoundException({ message: 'Function not found', ...meta });
    lambda.on(InvokeCommand).rejects(missing);
    const { queue } = make();
    await expect(queue.enqueue(provision)).rejects.toMatchObject({
      step: 'lambda.invoke',
      message: 'lambda.invoke: cannot hand off provision of r-abcdefghjk: ResourceNotFoundException',
      cause: missing,
    });
    expect(invokeInputs()).toHaveLength(1);
  });
});
