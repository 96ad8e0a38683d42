import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, DependencyError } from '../../../src/domain/errors.js';
import { ec2Error, instance, setup, throttleError } from './ec2-fixtures.js';

const ID = 'i-0aaa111bbb222ccc3';

describe('Ec2Bastions.terminate', () => {
  it('sends TerminateInstances for the one instance', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(TerminateInstancesCommand).resolves({
      TerminatingInstances: [
        { InstanceId: ID, PreviousState: { Name: 'running' }, CurrentState: { Name: 'shutting-down' } },
      ],
    });

    await bastions.terminate(ID);

    expect(ec2Mock.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: [ID] },
    ]);
  });

  it('is fine with an instance that is already terminated', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(TerminateInstancesCommand).resolves({
      TerminatingInstances: [
        { InstanceId: ID, PreviousState: { Name: 'terminated' }, CurrentState: { Name: 'terminated' } },
      ],
    });

    await expect(bastions.terminate(ID)).resolves.toBeUndefined();
  });

  it('is fine with an instance EC2 does not know (long gone)', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock
      .on(TerminateInstancesCommand)
      .rejects(ec2Error('InvalidInstanceID.NotFound', `The instance ID '${ID}' does not exist`));

    await expect(bastions.terminate(ID)).resolves.toBeUndefined();
  });

  it('retries a throttled termination', async () => {
    const { bastions, ec2Mock, time } = setup();
    ec2Mock.on(TerminateInstancesCommand).rejectsOnce(throttleError()).resolves({});

    await bastions.terminate(ID);

    expect(ec2Mock.commandCalls(TerminateInstancesCommand)).toHaveLength(2);
    expect(time.sleeps).toEqual([750]);
  });

  it('reports any other failure as a DependencyError with its cause', async () => {
    const { bastions, ec2Mock } = setup();
    const denied = ec2Error(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation.',
      403,
    );
    ec2Mock.on(TerminateInstancesCommand).rejects(denied);

    const terminating = bastions.terminate(ID);

    await expect(terminating).rejects.toBeInstanceOf(DependencyError);
    await expect(terminating).rejects.toMatchObject({ step: 'terminate-bastion', cause: denied });
  });
});

describe('Ec2Bastions.list', () => {
  it('lists every live Drawbridge-tagged instance across all result pages', async () => {
    const { bastions, ec2Mock } = setup();
    const tagged = (id: string, requestId: string) =>
      instance(id, 'running', { Tags: [{ Key: 'drawbridge:request-id', Value: requestId }] });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [tagged('i-01', 'r-aaaaaaaaaa'), tagged('i-02', 'r-bbbbbbbbbb')] }],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Reservations: [{ Instances: [tagged('i-03', 'r-cccccccccc')] }] });

    await expect(bastions.list()).resolves.toEqual([
      { id: 'i-01', requestId: 'r-aaaaaaaaaa' },
      { id: 'i-02', requestId: 'r-bbbbbbbbbb' },
      { id: 'i-03', requestId: 'r-cccccccccc' },
    ]);

    const filters = [
      { Name: 'tag-key', Values: ['drawbridge:request-id'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ];
    expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { Filters: filters },
      { Filters: filters, NextToken: 'page-2' },
    ]);
  });

  it('is empty when there is no bastion', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    await expect(bastions.list()).resolves.toEqual([]);
  });

  it('reports a failed listing as a DependencyError', async () => {
    const { bastions, ec2Mock } = setup();
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(ec2Error('InternalError', 'An internal error has occurred', 500));

    await expect(bastions.list()).rejects.toMatchObject({ step: 'list-bastions' });
  });
});

describe('Ec2Bastions.ownsAddress', () => {
  it.each([
    ['10.0.1.0', true],
    ['10.0.2.57', true],
    ['10.0.3.255', true],
    ['10.0.4.1', false],
    ['10.0.0.255', false],
    ['127.0.0.1', false],
    ['%', false],
    ['localhost', false],
    ['::ffff:10.0.2.57', false],
    ['10.0.2', false],
  ])('%s → %s', (host, owned) => {
    const { bastions } = setup();
    expect(bastions.ownsAddress(host)).toBe(owned);
  });

  it('owns exactly the addresses inside the configured CIDRs', () => {
    const { bastions } = setup({ subnetCidrs: ['10.0.0.0/23', '172.16.5.128/25'] });
    const owned = (a: number, b: number, c: number, d: number) =>
      (a === 10 && b === 0 && c <= 1) || (a === 172 && b === 16 && c === 5 && d >= 128);
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(10, 172), octet),
        fc.oneof(fc.constantFrom(0, 16), octet),
        fc.oneof(fc.constantFrom(0, 1, 5), octet),
        octet,
        (a, b, c, d) => bastions.ownsAddress(`${a}.${b}.${c}.${d}`) === owned(a, b, c, d),
      ),
    );
  });

  it.each(['10.0.1.0', '10.0.1.0/33', '10.0.1/24', 'subnet-aaa'])(
    'refuses the CIDR %s at construction',
    (cidr) => {
      expect(() => setup({ subnetCidrs: [cidr] })).toThrow(ConfigError);
    },
  );
});
