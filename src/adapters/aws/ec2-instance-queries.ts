import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Instance,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsDependencyError, awsErrorCode } from './aws-errors.js';

/**
 * The read side of the EC2 bastions: instances by filter (every page) or by id, and SSM agent status. Every
 * call rides out throttling through its client's retry strategy; a failure becomes a DependencyError naming
 * `step`.
 */
export class InstanceQueries {
  constructor(
    private readonly ec2: EC2Client,
    private readonly ssm: SSMClient,
  ) {}

  /** Every instance matching `input`, across all result pages (the SDK's paginator follows `NextToken`). */
  async describe(step: string, input: DescribeInstancesCommandInput): Promise<Instance[]> {
    const instances: Instance[] = [];
    try {
      for await (const page of paginateDescribeInstances({ client: this.ec2 }, input)) {
        for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
      }
    } catch (error) {
      throw awsDependencyError(step, 'DescribeInstances', error);
    }
    return instances;
  }

  /**
   * The instance, or undefined while EC2 does not know it: its API is eventually consistent, so an instance
   * launched a moment ago can be "not found" for a while.
   */
  async find(step: string, id: string): Promise<Instance | undefined> {
    try {
      const output = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      return output.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidInstanceID.NotFound') return undefined;
      throw awsDependencyError(step, `DescribeInstances ${id}`, error);
    }
  }

  /** The SSM agent's `PingStatus` (`Online`, `ConnectionLost`, …), or undefined while it has not registered. */
  async pingStatus(step: string, id: string): Promise<string | undefined> {
    const what = `DescribeInstanceInformation ${id}`;
    try {
      const output = await this.ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }),
      );
      return output.InstanceInformationList?.find((i) => i.InstanceId === id)?.PingStatus;
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidInstanceId') return undefined;
      throw awsDependencyError(step, what, error);
    }
  }
}

export function tagOf(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((tag) => tag.Key === key)?.Value;
}
