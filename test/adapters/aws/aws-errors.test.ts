import { InvalidInstanceId, ThrottlingException } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import {
  attemptsNote,
  awsDependencyError,
  awsErrorCode,
  awsErrorName,
  isAwsError,
} from '../../../src/adapters/aws/aws-errors.js';
import { capacityError, ec2Error, throttleError } from './ec2-fixtures.js';

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

  it('matches SDK errors by code, whether modelled classes (SSM) or the base exception (EC2)', () => {
    expect(isAwsError(throttleError(), 'RequestLimitExceeded')).toBe(true);
    expect(
      isAwsError(
        new ThrottlingException({ $metadata: {}, message: 'Rate exceeded', Message: 'Rate exceeded' }),
        'ConflictException',
        'ThrottlingException',
      ),
    ).toBe(true);
    expect(isAwsError(capacityError(), 'RequestLimitExceeded')).toBe(false);
    // An Error that merely says so is not an AWS error.
    expect(isAwsError(new Error('RequestLimitExceeded'), 'RequestLimitExceeded')).toBe(false);
  });

  it('names an error by its AWS code, else by its class, never by its text', () => {
    expect(awsErrorName(capacityError())).toBe('InsufficientInstanceCapacity');
    expect(awsErrorName(new TypeError('password=hunter2'))).toBe('TypeError');
    expect(awsErrorName('boom')).toBe('string');
  });

  it('notes the attempts the SDK made only when it retried', () => {
    expect(attemptsNote(throttleError(6))).toBe(' (after 6 attempts)');
    expect(attemptsNote(throttleError(1))).toBe('');
    expect(attemptsNote(new Error('x'))).toBe('');
    expect(attemptsNote(null)).toBe('');
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
