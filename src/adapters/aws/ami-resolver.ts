import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, DependencyError } from '../../domain/errors.js';
import { awsDependencyError, type ThrottleRetryOptions, withThrottleRetry } from './aws-errors.js';

const STEP = 'launch-bastion';
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/**
 * The bastion AMI: an `ami-…` id used as is, or an SSM parameter (such as AWS's public
 * `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`) read once and cached for the life
 * of the process — a warm worker keeps launching the image it started with, and a new AMI is picked up at
 * the next cold start. A failed read is not cached, so the next launch tries again.
 */
export class AmiResolver {
  private cached: Promise<string> | undefined;

  /** @throws ConfigError when `ami` is neither an `ami-…` id nor a parameter path. */
  constructor(
    private readonly ssm: SSMClient,
    private readonly ami: string,
    private readonly retry: ThrottleRetryOptions,
  ) {
    if (!AMI_ID.test(ami) && !ami.startsWith('/')) {
      throw new ConfigError(`bastion.ami must be an ami-… id or an SSM parameter path, got "${ami}"`);
    }
  }

  resolve(): Promise<string> {
    if (AMI_ID.test(this.ami)) return Promise.resolve(this.ami);
    if (!this.cached) {
      this.cached = this.read();
      void this.cached.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached;
  }

  private async read(): Promise<string> {
    const what = `reading the AMI id from SSM parameter ${this.ami}`;
    const output = await withThrottleRetry(
      STEP,
      what,
      () => this.ssm.send(new GetParameterCommand({ Name: this.ami })),
      this.retry,
    ).catch((error: unknown) => {
      throw error instanceof DependencyError ? error : awsDependencyError(STEP, what, error);
    });
    const value = output.Parameter?.Value?.trim();
    if (!value || !AMI_ID.test(value)) {
      throw new DependencyError(
        STEP,
        `SSM parameter ${this.ami} does not hold an AMI id (got "${value ?? ''}")`,
      );
    }
    return value;
  }
}
