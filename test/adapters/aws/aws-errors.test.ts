import { InvalidInstanceId, ThrottlingException } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import {
  awsDependencyError,
  awsErrorCode,
  isThrottling,
  withThrottleRetry,
} from '../../../src/adapters/aws/aws-errors.js';
import { DependencyError } from '../../../src/domain/errors.js';
import { capacityError, ec2Error, FakeTime, throttleError } from './ec2-fixtures.js';

describe('awsErrorCode', () => {
  it.each([
    ['an EC2 error (base exception named after the code)', capacityError(), 'InsufficientInstanceCapacity'],
    ['a modelled SSM exception', new InvalidInstanceId({ $metadata: {}, message: 'x' }), 'InvalidInstanceId'],
    ['a plain Error', new Error('socket hang up'), undefined],
    ['a string', 'boom', undefined],
    ['null', null, undefined],
  ])('%s', (_, error, code) => {
    expect(awsErrorCode(error)).toBe(code);
  });

  it('recognises the throttling codes of EC2 and of the JSON services', () => {
    expect(isThrottling(throttleError())).toBe(true);
    expect(
      isThrottling(
        new ThrottlingException({ $metadata: {}, message: 'Rate exceeded', Message: 'Rate exceeded' }),
      ),
    ).toBe(true);
    expect(isThrottling(capacityError())).toBe(false);
    expect(isThrottling(new Error('RequestLimitExceeded'))).toBe(false);
  });

  it('puts code and message in the DependencyError and keeps the SDK error as cause', () => {
    const error = ec2Error('InvalidSubnetID.NotFound', "The subnet ID 'subnet-aaa' does not exist");
    expect(awsDependencyError('launch-bastion', 'RunInstances in subnet-aaa', error)).toMatchObject({
      step: 'launch-bastion',
      message:
        "launch-bastion: RunInstances in subnet-aaa failed: InvalidSubnetID.NotFound: The subnet ID 'subnet-aaa' does not exist",
      cause: error,
    });
  });
});

describe('withThrottleRetry', () => {
  it('passes any other error through at once, unchanged', async () => {
    const time = new FakeTime();
    const error = capacityError();
    let calls = 0;
    const call = async () => {
      calls++;
      throw error;
    };

    await expect(withThrottleRetry('s', 'x', call, { sleep: time.sleep, random: () => 0 })).rejects.toBe(
      error,
    );
    expect(calls).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it('caps each pause and spreads it with jitter between half and all of the backoff', async () => {
    const time = new FakeTime();
    const call = async (): Promise<never> => {
      throw throttleError();
    };

    const low = withThrottleRetry('s', 'x', call, { sleep: time.sleep, random: () => 0, attempts: 7 });
    await expect(low).rejects.toBeInstanceOf(DependencyError);
    const high = withThrottleRetry('s', 'x', call, {
      sleep: time.sleep,
      random: () => 0.999999,
      attempts: 7,
    });
    await expect(high).rejects.toBeInstanceOf(DependencyError);

    expect(time.sleeps).toEqual([
      ...[500, 1000, 2000, 4000, 5000, 5000],
      ...[1000, 2000, 4000, 8000, 10000, 10000],
    ]);
  });
});
