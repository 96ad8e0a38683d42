import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { bastionUserData } from '../../../src/adapters/aws/bastion-user-data.js';
import { ConfigError, DependencyError } from '../../../src/domain/errors.js';
import { capacityError, ec2Error, instance, SPEC, setup, throttleError } from './ec2-fixtures.js';

const launched = { Instances: [{ InstanceId: 'i-0aaa111bbb222ccc3' }] };

const TAGS = [
  { Key: 'drawbridge:deployment', Value: 'drawbridge-prod' },
  { Key: 'drawbridge:request-id', Value: 'r-7k2m9q4x8d' },
  { Key: 'drawbridge:owner', Value: 'U024BE7LH' },
  { Key: 'drawbridge:expires-at', Value: '2025-03-01T10:30:00.000Z' },
  { Key: 'drawbridge:target', Value: 'orders' },
  { Key: 'Name', Value: 'drawbridge-r-7k2m9q4x8d' },
];

/** The request for SPEC in `subnet`, user data aside (checked by decoding it). */
const expectedInput = (subnet: string, overrides: Record<string, unknown> = {}) => ({
  ImageId: 'ami-0abcdef1234567890',
  InstanceType: 't3.micro',
  MinCount: 1,
  MaxCount: 1,
  ClientToken: 'r-7k2m9q4x8d',
  MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
  NetworkInterfaces: [
    { DeviceIndex: 0, SubnetId: subnet, Groups: ['sg-0123456789abcdef0'], AssociatePublicIpAddress: false },
  ],
  BlockDeviceMappings: [
    {
      DeviceName: '/dev/xvda',
      Ebs: { VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true, VolumeSize: 8 },
    },
  ],
  IamInstanceProfile: { Name: 'drawbridge-bastion' },
  InstanceInitiatedShutdownBehavior: 'terminate',
  TagSpecifications: [
    { ResourceType: 'instance', Tags: TAGS },
    { ResourceType: 'volume', Tags: TAGS },
    { ResourceType: 'network-interface', Tags: TAGS },
  ],
  UserData: expect.any(String),
  ...overrides,
});

describe('Ec2Bastions.launch', () => {
  it('sends exactly one RunInstances with the hardened request and returns the instance id', async () => {
    const { bastions, ec2Mock, ssmMock } = setup();
    ec2Mock.on(RunInstancesCommand).resolves(launched);

    await expect(bastions.launch(SPEC)).resolves.toEqual({ id: 'i-0aaa111bbb222ccc3' });

    const calls = ec2Mock.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual(expectedInput('subnet-aaa'));
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('sends the bastion user data: hardening before the agent, the dead-man delay rounded up to whole minutes', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(RunInstancesCommand).resolves(launched);

    await bastions.launch(SPEC); // 5430 s = 90.5 min
    await bastions.launch({ ...SPEC, shutdownAfterSeconds: 3600 });

    const [first, second] = ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.UserData);
    const decoded = (userData: string | undefined) => Buffer.from(userData ?? '', 'base64').toString('utf8');
    expect(decoded(first)).toBe(bastionUserData(5430));
    expect(decoded(second)).toBe(bastionUserData(3600));
    expect(decoded(first)).toContain('"+91"');
    expect(decoded(second)).toContain('"+60"');
  });

  it('passes an instance profile ARN as Arn, a name as Name', async () => {
    const arn = 'arn:aws:iam::123456789012:instance-profile/drawbridge-bastion';
    const { bastions, ec2Mock } = setup({ instanceProfile: arn });
    ec2Mock.on(RunInstancesCommand).resolves(launched);

    await bastions.launch(SPEC);

    expect(ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input).toEqual(
      expectedInput('subnet-aaa', { IamInstanceProfile: { Arn: arn } }),
    );
  });

  it('reads the AMI from an SSM parameter once, however many launches follow', async () => {
    const parameter = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const { bastions, ec2Mock, ssmMock } = setup({ ami: parameter });
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: parameter, Value: 'ami-0fedcba9876543210' } });
    ec2Mock.on(RunInstancesCommand).resolves(launched);

    await bastions.launch(SPEC);
    await bastions.launch({ ...SPEC, requestId: 'r-second0000' });

    const ssmCalls = ssmMock.commandCalls(GetParameterCommand);
    expect(ssmCalls.map((c) => c.args[0].input)).toEqual([{ Name: parameter }]);
    expect(ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ImageId)).toEqual([
      'ami-0fedcba9876543210',
      'ami-0fedcba9876543210',
    ]);
  });

  it('reads the AMI parameter again after a failed read', async () => {
    const parameter = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    const { bastions, ec2Mock, ssmMock } = setup({ ami: parameter });
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves({ Parameter: { Value: 'ami-0fedcba9876543210' } });
    ec2Mock.on(RunInstancesCommand).resolves(launched);

    const failed = bastions.launch(SPEC);
    await expect(failed).rejects.toBeInstanceOf(DependencyError);
    await expect(failed).rejects.toMatchObject({ step: 'launch-bastion' });
    await expect(bastions.launch(SPEC)).resolves.toEqual({ id: 'i-0aaa111bbb222ccc3' });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('moves to the next subnet on InsufficientInstanceCapacity, keeping the client token', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(RunInstancesCommand).rejectsOnce(capacityError()).resolves(launched);

    await expect(bastions.launch(SPEC)).resolves.toEqual({ id: 'i-0aaa111bbb222ccc3' });

    expect(ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input)).toEqual([
      expectedInput('subnet-aaa'),
      expectedInput('subnet-bbb'),
    ]);
  });

  it('moves to the next subnet when the instance type is unsupported in that Availability Zone', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(
        ec2Error(
          'Unsupported',
          'Your requested instance type (t3.micro) is not supported in your requested Availability Zone (eu-west-1c).',
        ),
      )
      .resolves(launched);

    await expect(bastions.launch(SPEC)).resolves.toEqual({ id: 'i-0aaa111bbb222ccc3' });
    expect(
      ec2Mock.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.NetworkInterfaces?.[0]?.SubnetId),
    ).toEqual(['subnet-aaa', 'subnet-bbb']);
  });

  it('fails with a DependencyError naming every subnet once all of them are exhausted', async () => {
    const { bastions, ec2Mock } = setup();
    const last = capacityError();
    ec2Mock
      .on(RunInstancesCommand)
      .rejectsOnce(capacityError())
      .rejectsOnce(ec2Error('Unsupported', 'Your requested instance type (t3.micro) is not supported.'))
      .rejectsOnce(last);

    const launching = bastions.launch(SPEC);

    await expect(launching).rejects.toBeInstanceOf(DependencyError);
    await expect(launching).rejects.toMatchObject({
      step: 'launch-bastion',
      message:
        'launch-bastion: no subnet could take a t3.micro bastion: subnet-aaa (InsufficientInstanceCapacity), subnet-bbb (Unsupported), subnet-ccc (InsufficientInstanceCapacity); last: We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (eu-west-1a).',
      cause: last,
    });
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(3);
  });

  it('does not try another subnet on an error that no subnet would fix', async () => {
    const { bastions, ec2Mock } = setup();
    const denied = ec2Error(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation.',
      403,
    );
    ec2Mock.on(RunInstancesCommand).rejects(denied);

    const launching = bastions.launch(SPEC);

    await expect(launching).rejects.toMatchObject({
      step: 'launch-bastion',
      message:
        'launch-bastion: RunInstances in subnet-aaa failed: UnauthorizedOperation: You are not authorized to perform this operation.',
      cause: denied,
    });
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('reports a throttle that outlasted the SDK retries as a DependencyError, not as a reason to try the next subnet', async () => {
    const { bastions, ec2Mock } = setup();
    const throttled = throttleError(6);
    ec2Mock.on(RunInstancesCommand).rejects(throttled);

    const launching = bastions.launch(SPEC);

    await expect(launching).rejects.toBeInstanceOf(DependencyError);
    await expect(launching).rejects.toMatchObject({
      step: 'launch-bastion',
      cause: throttled,
      message:
        'launch-bastion: RunInstances in subnet-aaa failed: RequestLimitExceeded: Request limit exceeded. (after 6 attempts)',
    });
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('maps IdempotentParameterMismatch to a clear DependencyError when no instance holds the token', async () => {
    const { bastions, ec2Mock } = setup();
    const mismatch = ec2Error(
      'IdempotentParameterMismatch',
      'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
    );
    ec2Mock.on(RunInstancesCommand).rejects(mismatch);
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    const launching = bastions.launch(SPEC);

    await expect(launching).rejects.toBeInstanceOf(DependencyError);
    await expect(launching).rejects.toMatchObject({ step: 'launch-bastion', cause: mismatch });
    await expect(launching).rejects.toThrow(
      /request r-7k2m9q4x8d was already launched with different parameters.*IdempotentParameterMismatch/,
    );
    expect(ec2Mock.commandCalls(RunInstancesCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'client-token', Values: ['r-7k2m9q4x8d'] }] },
    ]);
  });

  it('on IdempotentParameterMismatch resumes with the instance an earlier run of the request launched', async () => {
    // A resumed provisioning computes a new expiry tag, or an earlier run landed in a later subnet.
    const { bastions, ec2Mock } = setup();
    ec2Mock
      .on(RunInstancesCommand)
      .rejects(
        ec2Error('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent.'),
      );
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance('i-0earlier00000000', 'running')] }] });

    await expect(bastions.launch(SPEC)).resolves.toEqual({ id: 'i-0earlier00000000' });
  });

  it('refuses a target it has no address for, before calling AWS', async () => {
    const { bastions, ec2Mock } = setup();

    await expect(bastions.launch({ ...SPEC, target: 'billing' })).rejects.toBeInstanceOf(ConfigError);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
