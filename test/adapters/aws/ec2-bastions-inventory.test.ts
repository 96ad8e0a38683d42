import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../src/domain/errors.js';
import { ec2Error, instance, setup } from './ec2-fixtures.js';

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
  it("lists every live bastion of this deployment across all result pages, and asks EC2 for this deployment's only", async () => {
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
      { Name: 'tag:drawbridge:deployment', Values: ['drawbridge-prod'] },
      { Name: 'tag-key', Values: ['drawbridge:request-id'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ];
    // The SDK's paginator asks for the second page with the first page's token (it reuses one input object,
    // so only the last call's token can be read back).
    const inputs = ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(inputs.map((input) => input.Filters)).toEqual([filters, filters]);
    expect(inputs[1]?.NextToken).toBe('page-2');
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
