import {
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { createWaiter, WaiterState } from '@smithy/core/client';
import { ConfigError, DependencyError, reasonOf } from '../../domain/errors.js';
import type { BastionInfo, Bastions, LaunchSpec, Logger } from '../../domain/ports.js';
import type { BastionRef } from '../../domain/types.js';
import { AmiResolver } from './ami-resolver.js';
import { awsDependencyError, awsErrorCode } from './aws-errors.js';
import { InstanceQueries, tagOf } from './ec2-instance-queries.js';
import { BASTION_TAGS, type Ec2BastionSettings, runInstancesInput } from './ec2-launch-input.js';

export type Ec2BastionStage = 'running' | 'ssm-online';

export interface Ec2BastionsOptions {
  ec2: EC2Client;
  ssm: SSMClient;
  config: Ec2BastionSettings;
  region: string;
  /**
   * This deployment's name, tagged on every bastion it launches: listing, and so the sweeper, sees only
   * these, never another Drawbridge's in the same account and region.
   */
  deployment: string;
  /** Where each target database listens, as seen from the bastion (the port-forwarding remote host). */
  targets: Record<string, { host: string; port: number }>;
  /** Called once per stage while `waitReachable` waits. */
  onProgress?: (event: { instanceId: string; stage: Ec2BastionStage }) => void;
  logger?: Logger;
}

const LAUNCH = 'launch-bastion';
const WAIT = 'wait-reachable';
const TERMINATE = 'terminate-bastion';
const LIST = 'list-bastions';

/** Errors after which the same launch may succeed in another subnet (another Availability Zone). */
const TRY_NEXT_SUBNET = new Set([
  'InsufficientInstanceCapacity',
  'Unsupported',
  'InsufficientFreeAddressesInSubnet',
]);
/** States from which an instance never becomes reachable: waiting on is pointless. */
const GONE = new Set(['shutting-down', 'terminated', 'stopping', 'stopped']);
const LISTED_STATES = ['pending', 'running', 'stopping', 'stopped'];
/** The waiter's pauses between polls, in seconds: growing from 1 s (with jitter) to at most 10 s. */
const POLL_DELAY_SECONDS = { minDelay: 1, maxDelay: 10 } as const;

/**
 * AWS-mode bastions: one EC2 instance per request in a private subnet, reached through SSM Session Manager
 * port forwarding. Launching is idempotent by request id (the EC2 client token); the instance halts — and so
 * terminates — by itself after `shutdownAfterSeconds` whatever happens to Drawbridge.
 */
export class Ec2Bastions implements Bastions {
  private readonly config: Ec2BastionSettings;
  private readonly ami: AmiResolver;
  private readonly queries: InstanceQueries;

  /** @throws ConfigError on an unusable config (no subnet, a malformed AMI). */
  constructor(private readonly options: Ec2BastionsOptions) {
    this.config = options.config;
    if (this.config.subnets.length === 0)
      throw new ConfigError('bastion.subnets must name at least one subnet');
    this.ami = new AmiResolver(options.ssm, options.ec2, this.config.ami);
    this.queries = new InstanceQueries(options.ec2, options.ssm);
  }

  /**
   * Tries the subnets in order while EC2 has no capacity for the instance type there. The client token stays
   * the request id across subnets: EC2 documents the token as binding the parameters of a launch that
   * succeeded, so a refused launch leaves it free for the next subnet, and once one launch succeeded every
   * retry converges on that instance (see `launchedBefore` for a retry whose parameters differ).
   */
  async launch(spec: LaunchSpec): Promise<{ id: string }> {
    if (!this.options.targets[spec.target]) throw new ConfigError(`no target named ${spec.target}`);
    const image = await this.ami.resolve();
    const refused: string[] = [];
    let lastRefusal: unknown;
    for (const subnet of this.config.subnets) {
      const input = runInstancesInput(this.config, spec, image, subnet, this.options.deployment);
      try {
        const output = await this.options.ec2.send(new RunInstancesCommand(input));
        const id = output.Instances?.[0]?.InstanceId;
        if (!id) throw new DependencyError(LAUNCH, `RunInstances in ${subnet} returned no instance`);
        return { id };
      } catch (error) {
        if (error instanceof DependencyError) throw error;
        const code = awsErrorCode(error);
        if (code === 'IdempotentParameterMismatch') return this.launchedBefore(spec, error);
        if (code === undefined || !TRY_NEXT_SUBNET.has(code)) {
          throw awsDependencyError(LAUNCH, `RunInstances in ${subnet}`, error);
        }
        this.options.logger?.warn('no room for a bastion in this subnet; trying the next', { subnet, code });
        refused.push(`${subnet} (${code})`);
        lastRefusal = error;
      }
    }
    throw new DependencyError(
      LAUNCH,
      `no subnet could take a ${this.config.instanceType} bastion: ${refused.join(', ')}; last: ${reasonOf(lastRefusal)}`,
      { cause: lastRefusal },
    );
  }

  /**
   * EC2 refuses a client token already bound to a launch with other parameters. That is what a resumed
   * provisioning sends (its expiry tag and dead-man delay are computed anew, or an earlier run landed in a
   * later subnet): the instance it launched then is this request's bastion. Only when none is found is the
   * refusal an error.
   */
  private async launchedBefore(spec: LaunchSpec, mismatch: unknown): Promise<{ id: string }> {
    const instances = await this.queries.describe(LAUNCH, {
      Filters: [{ Name: 'client-token', Values: [spec.requestId] }],
    });
    const earlier = instances.find(
      (i) =>
        tagOf(i, BASTION_TAGS.requestId) === spec.requestId &&
        tagOf(i, BASTION_TAGS.deployment) === this.options.deployment,
    );
    if (earlier?.InstanceId) {
      this.options.logger?.info('request already has a bastion; resuming with it', {
        requestId: spec.requestId,
        instanceId: earlier.InstanceId,
      });
      return { id: earlier.InstanceId };
    }
    throw new DependencyError(
      LAUNCH,
      `request ${spec.requestId} was already launched with different parameters: EC2 refuses to reuse its client token (IdempotentParameterMismatch) and no instance launched with it is left`,
      { cause: mismatch },
    );
  }

  /**
   * Waits until the instance is `running` and its SSM agent `Online`, for at most `readyTimeoutSeconds`, with
   * the SDK's waiter (the one behind EC2's own `waitUntilInstanceRunning`, here with our SSM check added):
   * the first check at once, then pauses growing from 1 s to 10 s with jitter. An instance that is shutting
   * down or gone fails at once. An instance EC2 does not know yet (its API is eventually consistent just
   * after a launch) is waited for.
   */
  async waitReachable(id: string, target: string): Promise<BastionRef> {
    const address = this.options.targets[target];
    if (!address) throw new ConfigError(`no target named ${target}`);
    let reportedRunning = false;
    let seen = 'not checked yet';
    let reached: BastionRef | undefined;
    const check = async (): Promise<{ state: WaiterState }> => {
      const instance = await this.queries.find(WAIT, id);
      const state = instance?.State?.Name;
      seen = state ?? 'not visible to EC2 yet';
      if (state && GONE.has(state)) {
        const why = instance?.StateReason?.Message ?? instance?.StateTransitionReason;
        throw new DependencyError(WAIT, `bastion ${id} is ${state}${why ? ` (${why})` : ''}`);
      }
      const launchedFor = instance && tagOf(instance, BASTION_TAGS.target);
      if (launchedFor !== undefined && launchedFor !== target) {
        throw new DependencyError(WAIT, `bastion ${id} was launched for ${launchedFor}, not ${target}`);
      }
      if (!instance || state !== 'running') return { state: WaiterState.RETRY };
      if (!reportedRunning) {
        reportedRunning = true;
        this.options.onProgress?.({ instanceId: id, stage: 'running' });
      }
      const ping = await this.queries.pingStatus(WAIT, id);
      if (ping !== 'Online') {
        seen = `running, SSM agent ${ping ?? 'not registered yet'}`;
        return { state: WaiterState.RETRY };
      }
      this.options.onProgress?.({ instanceId: id, stage: 'ssm-online' });
      reached = this.refOf(instance, address);
      return { state: WaiterState.SUCCESS };
    };
    const result = await createWaiter(
      { client: this.options.ec2, maxWaitTime: this.config.readyTimeoutSeconds, ...POLL_DELAY_SECONDS },
      id,
      check,
    );
    if (result.state === WaiterState.SUCCESS && reached) return reached;
    throw new DependencyError(
      WAIT,
      `bastion ${id} not reachable within ${this.config.readyTimeoutSeconds} s (last seen: ${seen})`,
    );
  }

  /** Idempotent: an instance already terminated, or unknown to EC2, is fine. */
  async terminate(id: string): Promise<void> {
    try {
      await this.options.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidInstanceID.NotFound') return;
      throw awsDependencyError(TERMINATE, `TerminateInstances ${id}`, error);
    }
  }

  /**
   * Every instance this deployment launched that is not (being) terminated, across all result pages. Another
   * deployment's bastions carry another `drawbridge:deployment` tag and are not listed.
   */
  async list(): Promise<BastionInfo[]> {
    const instances = await this.queries.describe(LIST, {
      Filters: [
        { Name: `tag:${BASTION_TAGS.deployment}`, Values: [this.options.deployment] },
        { Name: 'tag-key', Values: [BASTION_TAGS.requestId] },
        { Name: 'instance-state-name', Values: LISTED_STATES },
      ],
    });
    return instances.flatMap((instance) => {
      const requestId = tagOf(instance, BASTION_TAGS.requestId);
      return instance.InstanceId && requestId ? [{ id: instance.InstanceId, requestId }] : [];
    });
  }

  private refOf(instance: Instance, address: { host: string; port: number }): BastionRef {
    const id = instance.InstanceId as string;
    const sourceIp = instance.PrivateIpAddress;
    if (!sourceIp) throw new DependencyError(WAIT, `bastion ${id} is running but has no private address`);
    return {
      id,
      sourceIp,
      connect: {
        kind: 'ssm',
        instanceId: id,
        region: this.options.region,
        remoteHost: address.host,
        remotePort: address.port,
        localPort: this.config.localPort,
        document: this.config.portForwardingDocument,
      },
    };
  }
}
