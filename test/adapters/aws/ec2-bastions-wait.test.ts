import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, InvalidInstanceId } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ConfigError, DependencyError } from '../../../src/domain/errors.js';
import { ec2Error, instance, setup } from './ec2-fixtures.js';

const ID = 'i-0aaa111bbb222ccc3';
const described = (state: string, extra = {}) => ({
  Reservations: [{ Instances: [instance(ID, state, extra)] }],
});
const ping = (PingStatus: 'Online' | 'ConnectionLost' | 'Inactive') => ({
  InstanceInformationList: [{ InstanceId: ID, PingStatus }],
});

describe('Ec2Bastions.waitReachable', () => {
  it('waits for running, then for the SSM agent to come Online, and returns how to connect', async () => {
    const { bastions, ec2Mock, ssmMock, time, progress } = setup();
    ec2Mock.on(DescribeInstancesCommand).resolvesOnce(described('pending')).resolves(described('running'));
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce(ping('ConnectionLost'))
      .resolves(ping('Online'));

    await expect(bastions.waitReachable(ID, 'orders')).resolves.toEqual({
      id: ID,
      sourceIp: '10.0.2.57',
      connect: {
        kind: 'ssm',
        instanceId: ID,
        region: 'eu-west-1',
        remoteHost: 'orders.cluster-x.eu-west-1.rds.amazonaws.com',
        remotePort: 3306,
        localPort: 13306,
        document: 'Drawbridge-PortForwardToDatabase',
      },
    });

    expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: [ID] },
      { InstanceIds: [ID] },
      { InstanceIds: [ID] },
    ]);
    expect(ssmMock.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Key: 'InstanceIds', Values: [ID] }] },
      { Filters: [{ Key: 'InstanceIds', Values: [ID] }] },
    ]);
    expect(progress).toEqual(['running', 'ssm-online']);
    expect(time.sleeps).toEqual([1000, 2000]);
  });

  it('waits through the moments EC2 does not know a just-launched instance, and SSM has not registered it', async () => {
    const { bastions, ec2Mock, ssmMock } = setup();
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(ec2Error('InvalidInstanceID.NotFound', `The instance ID '${ID}' does not exist`))
      .resolves(described('running'));
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .rejectsOnce(new InvalidInstanceId({ $metadata: {}, message: 'Instances not in a valid state' }))
      .resolvesOnce({ InstanceInformationList: [] })
      .resolves(ping('Online'));

    await expect(bastions.waitReachable(ID, 'orders')).resolves.toMatchObject({
      id: ID,
      sourceIp: '10.0.2.57',
    });
    expect(ssmMock.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(3);
  });

  it('gives up at the hard timeout, backing off from 1 s to 10 s on the way', async () => {
    const { bastions, ec2Mock, ssmMock, time, progress } = setup({ readyTimeoutSeconds: 30 });
    ec2Mock.on(DescribeInstancesCommand).resolves(described('running'));
    ssmMock.on(DescribeInstanceInformationCommand).resolves(ping('ConnectionLost'));
    const started = time.nowMs;

    const waiting = bastions.waitReachable(ID, 'orders');

    await expect(waiting).rejects.toBeInstanceOf(DependencyError);
    await expect(waiting).rejects.toMatchObject({
      step: 'wait-reachable',
      message: `wait-reachable: bastion ${ID} not reachable within 30 s (last seen: running, SSM agent ConnectionLost)`,
    });
    expect(time.sleeps).toEqual([1000, 2000, 4000, 8000, 10000, 5000]);
    expect(time.nowMs - started).toBe(30_000);
    expect(progress).toEqual(['running']);
  });

  it('names the state it last saw when the instance never even got to running', async () => {
    const { bastions, ec2Mock, ssmMock } = setup({ readyTimeoutSeconds: 5 });
    ec2Mock.on(DescribeInstancesCommand).resolves(described('pending'));

    await expect(bastions.waitReachable(ID, 'orders')).rejects.toThrow(
      `bastion ${ID} not reachable within 5 s (last seen: pending)`,
    );
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it.each(['terminated', 'shutting-down'])('fails at once when the instance is %s', async (state) => {
    const { bastions, ec2Mock, ssmMock, time } = setup();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(described('pending'))
      .resolves(
        described(state, {
          StateReason: {
            Code: 'Server.InsufficientInstanceCapacity',
            Message: 'Server.InsufficientInstanceCapacity',
          },
        }),
      );

    const waiting = bastions.waitReachable(ID, 'orders');

    await expect(waiting).rejects.toBeInstanceOf(DependencyError);
    await expect(waiting).rejects.toMatchObject({
      step: 'wait-reachable',
      message: `wait-reachable: bastion ${ID} is ${state} (Server.InsufficientInstanceCapacity)`,
    });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
    expect(ssmMock.calls()).toHaveLength(0);
    expect(time.sleeps).toEqual([1000]);
  });

  it('refuses a bastion that was launched for another target', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(DescribeInstancesCommand).resolves(
      described('running', {
        Tags: [
          { Key: 'drawbridge:request-id', Value: 'r-7k2m9q4x8d' },
          { Key: 'drawbridge:target', Value: 'billing' },
        ],
      }),
    );

    await expect(bastions.waitReachable(ID, 'orders')).rejects.toThrow(
      `bastion ${ID} was launched for billing, not orders`,
    );
  });

  it('maps an EC2 failure other than not-found to a DependencyError with its cause', async () => {
    const { bastions, ec2Mock } = setup();
    const denied = ec2Error(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation.',
      403,
    );
    ec2Mock.on(DescribeInstancesCommand).rejects(denied);

    await expect(bastions.waitReachable(ID, 'orders')).rejects.toMatchObject({
      step: 'wait-reachable',
      cause: denied,
    });
  });

  it('refuses a target it has no address for', async () => {
    const { bastions } = setup();

    await expect(bastions.waitReachable(ID, 'billing')).rejects.toBeInstanceOf(ConfigError);
  });
});
