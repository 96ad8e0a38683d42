import { DescribeImagesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, DependencyError } from '../../domain/errors.js';
import { awsDependencyError } from './aws-errors.js';
import type { BastionImage } from './ec2-launch-input.js';

const STEP = 'launch-bastion';
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;

/**
 * The bastion AMI: an `ami-…` id used as is, or an SSM parameter (such as AWS's public
 * `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`) read for the id; then the image
 * itself (DescribeImages) for its root device name and root snapshot size, which the launch's encrypted root
 * volume must match — a mapping on any other device name would add a second, size-less volume that EC2
 * rejects. Read once and cached for the life of the process: a warm worker keeps launching the image it
 * started with, and a new AMI is picked up at the next cold start. A failed read is not cached.
 */
export class AmiResolver {
  private cached: Promise<BastionImage> | undefined;

  /** @throws ConfigError when `ami` is neither an `ami-…` id nor a parameter path. */
  constructor(
    private readonly ssm: SSMClient,
    private readonly ec2: EC2Client,
    private readonly ami: string,
  ) {
    if (!AMI_ID.test(ami) && !ami.startsWith('/')) {
      throw new ConfigError(`bastion.ami must be an ami-… id or an SSM parameter path, got "${ami}"`);
    }
  }

  resolve(): Promise<BastionImage> {
    if (!this.cached) {
      this.cached = this.read();
      void this.cached.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached;
  }

  private async read(): Promise<BastionImage> {
    const imageId = AMI_ID.test(this.ami) ? this.ami : await this.imageIdFromParameter();
    const what = `DescribeImages ${imageId}`;
    const output = await this.call(what, () =>
      this.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
    );
    const image = output.Images?.find((i) => i.ImageId === imageId);
    if (!image?.RootDeviceName) {
      throw new DependencyError(
        STEP,
        `AMI ${imageId} (from bastion.ami) was not found or names no root device`,
      );
    }
    const size = image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName)?.Ebs
      ?.VolumeSize;
    return {
      imageId,
      rootDeviceName: image.RootDeviceName,
      ...(size === undefined ? {} : { rootVolumeGiB: size }),
    };
  }

  private async imageIdFromParameter(): Promise<string> {
    const what = `reading the AMI id from SSM parameter ${this.ami}`;
    const output = await this.call(what, () => this.ssm.send(new GetParameterCommand({ Name: this.ami })));
    const value = output.Parameter?.Value?.trim();
    if (!value || !AMI_ID.test(value)) {
      throw new DependencyError(
        STEP,
        `SSM parameter ${this.ami} does not hold an AMI id (got "${value ?? ''}")`,
      );
    }
    return value;
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw awsDependencyError(STEP, what, error);
    }
  }
}
