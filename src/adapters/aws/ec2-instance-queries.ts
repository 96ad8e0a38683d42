import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DependencyError } from '../../domain/errors.js';
import {
  awsDependencyError,
  awsErrorCode,
  type ThrottleRetryOptions,
  withThrottleRetry,
} from './aws-errors.js';

/**
 * The read side of the EC2 bastions: instances by filter (every page) or by id, and SSM agent status. Every
 * call rides out throttling; any other failure becomes a DependencyError naming `step`.
 */
export class InstanceQueries {
  constructor(
    private readonly ec2: EC2Client,
    private readonly ssm: SSMClient,
    private readonly retry: ThrottleRetryOptions,
  ) {}

  /** Every instance matching `input`, across all result pages. */
  async describe(step: string, input: DescribeInstancesCommandInput): Promise<Instance[]> {
    const instances: Instance[] = [];
    let nextToken: string | undefined;
    do {
      const page = { ...input, ...(nextToken ? { NextToken: nextToken } : {}) };
      const output = await this.describePage(step, page).catch((error: unknown) => {
        throw error instanceof DependencyError ? error : awsDependencyError(step, 'DescribeInstances', error);
      });
      for (const reservation of output.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
      nextToken = output.NextToken;
    } while (nextToken);
    return instances;
  }

  /**
   * The instance, or undefined while EC2 does not know it: its API is eventually consistent, so an instance
   * launched a moment ago can be "not found" for a while.
   */
  async find(step: string, id: string): Promise<Instance | undefined> {
    try {
      const output = await this.describePage(step, { InstanceIds: [id] });
      return output.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
    } catch (error) {
      if (error instanceof DependencyError) throw error;
      if (awsErrorCode(error) === 'InvalidInstanceID.NotFound') return undefined;
      throw awsDependencyError(step, `DescribeInstances ${id}`, error);
    }
  }

  /** The SSM agent's `PingStatus` (`Online`, `ConnectionLost`, …), or undefined while it has not registered. */
  async pingStatus(step: string, id: string): Promise<string | undefined> {
    const what = `DescribeInstanceInformation ${id}`;
    try {
      const output = await withThrottleRetry(
        step,
        what,
        () =>
          this.ssm.send(
            new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [id] }] }),
          ),
        this.retry,
      );
      return output.InstanceInformationList?.find((i) => i.InstanceId === id)?.PingStatus;
    } catch (error) {
      if (error instanceof DependencyError) throw error;
      if (awsErrorCode(error) === 'InvalidInstanceId') return undefined;
      throw awsDependencyError(step, what, error);
    }
  }

  private describePage(step: string, input: DescribeInstancesCommandInput) {
    return withThrottleRetry(
      step,
      'DescribeInstances',
      () => this.ec2.send(new DescribeInstancesCommand(input)),
      this.retry,
    );
  }
}

export function tagOf(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((tag) => tag.Key === key)?.Value;
}
