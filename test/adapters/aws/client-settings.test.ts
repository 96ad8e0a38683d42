import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import {
  ATTEMPTS,
  type AwsCallPace,
  awsClientSettings,
  REQUEST_DEADLINES,
  type RetryTuning,
} from '../../../src/adapters/aws/client-settings.js';
import { Ec2Bastions } from '../../../src/adapters/aws/ec2-bastions.js';
import { EventBridgeScheduler } from '../../../src/adapters/aws/eventbridge-scheduler.js';
import { LambdaWorkQueue } from '../../../src/adapters/aws/lambda-work-queue.js';
import { DependencyError } from '../../../src/domain/errors.js';
import { CONFIG, DEPLOYMENT, REGION, TARGETS } from './ec2-fixtures.js';
import {
  attemptHeaders,
  cannedHandler,
  ec2ErrorXml,
  jsonError,
  type Reply,
  TEST_CREDENTIALS,
} from './wired-client.js';

/**
 * Throttling is the SDK's job: each client is built with `awsClientSettings`, whose retry strategy retries
 * what AWS calls throttling (and transient 5xx) and nothing else. These run the real clients over canned
 * HTTP replies; the tuning only removes the waiting (pauses and the adaptive rate limiter's token bucket),
 * not the retry decisions.
 */
const noWaiting: RetryTuning = {
  backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => {} },
  rateLimiter: { getSendToken: async () => {}, updateClientSendingRate: () => {} },
};

function settings(pace: AwsCallPace, replies: Reply[]) {
  const { requestHandler, sent } = cannedHandler(replies);
  const config = {
    ...awsClientSettings(REGION, pace, { tuning: noWaiting }),
    credentials: TEST_CREDENTIALS,
    requestHandler,
  };
  return { config, sent };
}

const ec2Throttle: Reply = {
  status: 503,
  body: ec2ErrorXml('RequestLimitExceeded', 'Request limit exceeded.'),
};
const terminated: Reply = {
  status: 200,
  body: `<?xml version="1.0" encoding="UTF-8"?>
<TerminateInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><instancesSet><item><instanceId>i-0aaa</instanceId><currentState><code>32</code><name>shutting-down</name></currentState><previousState><code>16</code><name>running</name></previousState></item></instancesSet></TerminateInstancesResponse>`,
};

function bastionsOn(ec2: EC2Client) {
  return new Ec2Bastions({
    ec2,
    ssm: new SSMClient({ region: REGION, credentials: TEST_CREDENTIALS }),
    config: CONFIG,
    region: REGION,
    deployment: DEPLOYMENT,
    targets: TARGETS,
  });
}

describe('awsClientSettings', () => {
  it('gives the worker adaptive retries (6 attempts) and everyone waiting on a call standard ones (3)', () => {
    const background = awsClientSettings(REGION, 'background');
    const interactive = awsClientSettings(REGION, 'interactive');

    expect(background.retryStrategy).toBeInstanceOf(AdaptiveRetryStrategy);
    expect(interactive.retryStrategy).toBeInstanceOf(StandardRetryStrategy);
    expect(ATTEMPTS).toEqual({ interactive: 3, background: 6 });
    expect([background.requestHandler, interactive.requestHandler]).toEqual([
      REQUEST_DEADLINES,
      REQUEST_DEADLINES,
    ]);
    expect(REQUEST_DEADLINES).toEqual({ connectionTimeout: 3_000, requestTimeout: 10_000 });
  });

  it('gives each client its own strategy: one client’s spent retry budget is not another’s', () => {
    expect(awsClientSettings(REGION, 'background').retryStrategy).not.toBe(
      awsClientSettings(REGION, 'background').retryStrategy,
    );
  });

  it('sets an endpoint only when told, and leaves the region to the SDK when none is known', () => {
    expect(awsClientSettings(undefined, 'interactive', { endpoint: 'http://127.0.0.1:4566' })).toMatchObject({
      endpoint: 'http://127.0.0.1:4566',
    });
    expect(awsClientSettings(undefined, 'interactive')).not.toHaveProperty('region');
    expect(awsClientSettings(REGION, 'interactive')).not.toHaveProperty('endpoint');
  });
});

describe('the SDK rides out throttling for the adapters', () => {
  it("retries EC2's RequestLimitExceeded on the worker's client, then succeeds", async () => {
    const { config, sent } = settings('background', [ec2Throttle, ec2Throttle, terminated]);

    await expect(bastionsOn(new EC2Client(config)).terminate('i-0aaa')).resolves.toBeUndefined();

    expect(attemptHeaders(sent)).toEqual(['attempt=1; max=6', 'attempt=2; max=6', 'attempt=3; max=6']);
    // The same request each time: the retry is the SDK's, below the adapter.
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after the bounded attempts with a DependencyError that says how many were made', async () => {
    const { config, sent } = settings('background', [ec2Throttle]);

    const terminating = bastionsOn(new EC2Client(config)).terminate('i-0aaa');

    await expect(terminating).rejects.toBeInstanceOf(DependencyError);
    await expect(terminating).rejects.toThrow(
      'terminate-bastion: TerminateInstances i-0aaa failed: RequestLimitExceeded: Request limit exceeded. (after 6 attempts)',
    );
    expect(sent).toHaveLength(ATTEMPTS.background);
  });

  it('does not retry what is not a throttle or a transient fault (a refusal is final)', async () => {
    const denied: Reply = {
      status: 403,
      body: ec2ErrorXml('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
    };
    const { config, sent } = settings('background', [denied]);

    await expect(bastionsOn(new EC2Client(config)).terminate('i-0aaa')).rejects.toThrow(
      'terminate-bastion: TerminateInstances i-0aaa failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
    expect(sent).toHaveLength(1);
  });

  it("retries Lambda's TooManyRequestsException on a Slack-side client at most 3 times in all", async () => {
    const throttle = jsonError(429, 'TooManyRequestsException', {
      message: 'Rate exceeded',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      Type: 'User',
    });
    const { config, sent } = settings('interactive', [throttle]);
    const queue = new LambdaWorkQueue({
      client: new LambdaClient(config),
      functionName: 'drawbridge-worker',
    });

    await expect(queue.enqueue({ kind: 'provision', requestId: 'r-abcdefghjk' })).rejects.toMatchObject({
      step: 'lambda.invoke',
      message:
        'lambda.invoke: cannot hand off provision of r-abcdefghjk: TooManyRequestsException (after 3 attempts)',
    });
    expect(attemptHeaders(sent)).toEqual(['attempt=1; max=3', 'attempt=2; max=3', 'attempt=3; max=3']);
  });

  it("retries Scheduler's ThrottlingException, then the create goes through", async () => {
    const throttle = jsonError(429, 'ThrottlingException', { Message: 'Rate exceeded' });
    const created: Reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/g/n' }),
    };
    const { config, sent } = settings('interactive', [throttle, created]);
    const scheduler = new EventBridgeScheduler({
      client: new SchedulerClient(config),
      config: {
        group: 'drawbridge',
        targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:drawbridge-worker',
        roleArn: 'arn:aws:iam::123456789012:role/drawbridge-scheduler',
        maximumRetryAttempts: 3,
        maximumEventAgeSeconds: 3600,
      },
    });

    await scheduler.schedule({
      requestId: 'r-abcdefghjk',
      kind: 'teardown',
      at: new Date(Date.now() + 3_600_000),
    });

    expect(attemptHeaders(sent)).toEqual(['attempt=1; max=3', 'attempt=2; max=3']);
  });
});
