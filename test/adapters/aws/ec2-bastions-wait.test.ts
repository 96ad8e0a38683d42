import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, InvalidInstanceId } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, DependencyError } from '../../../src/domain/errors.js';
import { ec2Error, instance, setup } from './ec2-fixtures.js';

const ID = 'i-0aaa111bbb222ccc3';
const described = (state: string, extra = {}) => ({
  Reservations: [{ Instances: [instance(ID, state, extra)] }],
});
const ping = (PingStatus: 'Online' | 'ConnectionLost' | 'Inactive') => ({
  InstanceInformationList: [{ InstanceId: ID, PingStatus }],
});

/**
 * The SDK's waiter sleeps on the real timers and reads `Date.now`; Vitest's fake timers stand in for both, so
 * a 30-second wait takes no time and the moment of every poll is known.
 */
const START = Date.parse('2025-03-01T10:00:00.000Z');
beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the wait to its end on the fake clock: every pending pause elapses at once. */
async function settle<T>(waiting: Promise<T>): Promise<PromiseSettledResult<T>> {
  const outcome = Promise.allSettled([waiting]).then(([result]) => result as PromiseSettledResult<T>);
  await vi.runAllTimersAsync();
  return outcome;
}

/** When (ms after the start) each DescribeInstances was sent, and the pauses between them. */
function pollClock(ec2Mock: ReturnType<typeof setup>['ec2Mock'], answer: () => unknown) {
  const at: number[] = [];
  ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
    at.push(Date.now() - START);
    return answer();
  });
  const pauses = () => at.slice(1).map((t, i) => t - (at[i] as number));
  return { at, pauses };
}

describe('Ec2Bastions.waitReachable', () => {
  it('waits for running, then for the SSM agent to come Online, and returns how to connect', async () => {
    const { bastions, ec2Mock, ssmMock, progress } = setup();
    const states = ['pending', 'running'];
    const clock = pollClock(ec2Mock, () =>
      described(states.length > 1 ? (states.shift() as string) : 'running'),
    );
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce(ping('ConnectionLost'))
      .resolves(ping('Online'));

    const outcome = await settle(bastions.waitReachable(ID, 'orders'));

    expect(outcome).toEqual({
      status: 'fulfilled',
      value: {
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
    // The first check at once, then 1 s, then between 1 s and 2 s (the waiter's jitter).
    expect(clock.at[0]).toBe(0);
    const [first, second] = clock.pauses();
    expect(first).toBe(1000);
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThanOrEqual(2000);
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

    await expect(settle(bastions.waitReachable(ID, 'orders'))).resolves.toMatchObject({
      status: 'fulfilled',
      value: { id: ID, sourceIp: '10.0.2.57' },
    });
    expect(ssmMock.commandCalls(DescribeInstanceInformationCommand)).toHaveLength(3);
  });

  it('gives up by the hard timeout, backing off between 1 s and 10 s on the way', async () => {
    const { bastions, ec2Mock, ssmMock, progress } = setup({ readyTimeoutSeconds: 30 });
    const clock = pollClock(ec2Mock, () => described('running'));
    ssmMock.on(DescribeInstanceInformationCommand).resolves(ping('ConnectionLost'));

    const outcome = await settle(bastions.waitReachable(ID, 'orders'));

    expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(DependencyError);
    expect(outcome).toMatchObject({
      reason: {
        step: 'wait-reachable',
        message: `wait-reachable: bastion ${ID} not reachable within 30 s (last seen: running, SSM agent ConnectionLost)`,
      },
    });
    expect(clock.at.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...clock.at)).toBeLessThanOrEqual(30_000);
    for (const pause of clock.pauses()) {
      expect(pause).toBeGreaterThanOrEqual(500);
      expect(pause).toBeLessThanOrEqual(10_000);
    }
    expect(Date.now() - START).toBeLessThanOrEqual(30_000);
    expect(progress).toEqual(['running']);
  });

  it('names the state it last saw when the instance never even got to running', async () => {
    const { bastions, ec2Mock, ssmMock } = setup({ readyTimeoutSeconds: 5 });
    ec2Mock.on(DescribeInstancesCommand).resolves(described('pending'));

    const outcome = await settle(bastions.waitReachable(ID, 'orders'));

    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: { message: `wait-reachable: bastion ${ID} not reachable within 5 s (last seen: pending)` },
    });
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it.each(['terminated', 'shutting-down'])('fails at once when the instance is %s', async (state) => {
    const { bastions, ec2Mock, ssmMock } = setup();
    const gone = described(state, {
      StateReason: {
        Code: 'Server.InsufficientInstanceCapacity',
        Message: 'Server.InsufficientInstanceCapacity',
      },
    });
    let polls = 0;
    const clock = pollClock(ec2Mock, () => (polls++ === 0 ? described('pending') : gone));

    const outcome = await settle(bastions.waitReachable(ID, 'orders'));

    expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(DependencyError);
    expect(outcome).toMatchObject({
      reason: {
        step: 'wait-reachable',
        message: `wait-reachable: bastion ${ID} is ${state} (Server.InsufficientInstanceCapacity)`,
      },
    });
    expect(clock.at).toEqual([0, 1000]);
    expect(ssmMock.calls()).toHaveLength(0);
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

    await expect(settle(bastions.waitReachable(ID, 'orders'))).resolves.toMatchObject({
      reason: { message: `wait-reachable: bastion ${ID} was launched for billing, not orders` },
    });
  });

  it('maps an EC2 failure other than not-found to a DependencyError with its cause', async () => {
    const { bastions, ec2Mock } = setup();
    const denied = ec2Error(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation.',
      403,
    );
    ec2Mock.on(DescribeInstancesCommand).rejects(denied);

    await expect(settle(bastions.waitReachable(ID, 'orders'))).resolves.toMatchObject({
      status: 'rejected',
      reason: { step: 'wait-reachable', cause: denied },
    });
  });

  it('refuses a target it has no address for', async () => {
    const { bastions } = setup();

    await expect(bastions.waitReachable(ID, 'billing')).rejects.toBeInstanceOf(ConfigError);
  });
});
