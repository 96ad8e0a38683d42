import type { RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import type { LaunchSpec } from '../../domain/ports.js';
import { bastionUserData, encodeUserData } from './bastion-user-data.js';

/**
 * Tags on every bastion, its volume and its network interface. `deployment` names the Drawbridge deployment
 * that launched it: two deployments in one account and region (staging and production) list, and may
 * terminate, only their own. `request-id` ties it to a request; `owner` is what the requesters' IAM policy
 * matches `ssm:StartSession` against.
 */
/**
 * What the EC2 bastions need of the `ec2` bastion config (config/config-types.ts), restated here so that
 * adapters do not import the config; that config is assignable to it as it is.
 */
export interface Ec2BastionSettings {
  /** Subnet ids, tried in turn when one has no capacity. */
  subnets: readonly string[];
  securityGroup: string;
  /** Instance profile name or ARN. */
  instanceProfile: string;
  instanceType: string;
  /** `ami-…`, or an SSM parameter path holding one. */
  ami: string;
  /** Hard limit on running + SSM agent Online, in seconds. */
  readyTimeoutSeconds: number;
  /** The local port in the port-forwarding command the DM shows. */
  localPort: number;
  /** The Session Manager document of that command (the stack's own, host and port fixed to a database's). */
  portForwardingDocument: string;
}

export const BASTION_TAGS = {
  deployment: 'drawbridge:deployment',
  requestId: 'drawbridge:request-id',
  owner: 'drawbridge:owner',
  expiresAt: 'drawbridge:expires-at',
  target: 'drawbridge:target',
} as const;

/** The image a bastion boots: its root device is named by the AMI (`/dev/xvda` on Amazon Linux, `/dev/sda1` on others). */
export interface BastionImage {
  imageId: string;
  rootDeviceName: string;
  /** The root snapshot's size; the encrypted root volume is made this large. Absent: EC2 takes the snapshot's. */
  rootVolumeGiB?: number;
}

/**
 * The whole `RunInstances` request for one bastion in one subnet: one instance, no public address, IMDSv2
 * only with a hop limit of 1 (a container on the host cannot reach the instance role), an encrypted root
 * volume on the AMI's own root device (as large as its snapshot) deleted with the instance, and a halt
 * from inside (the dead-man switch) that terminates it.
 *
 * `ClientToken` is the request id, so a retried launch returns the instance the first one started.
 */
export function runInstancesInput(
  config: Ec2BastionSettings,
  spec: LaunchSpec,
  image: BastionImage,
  subnetId: string,
  deployment: string,
): RunInstancesCommandInput {
  const tags: Tag[] = [
    { Key: BASTION_TAGS.deployment, Value: deployment },
    { Key: BASTION_TAGS.requestId, Value: spec.requestId },
    { Key: BASTION_TAGS.owner, Value: spec.owner },
    { Key: BASTION_TAGS.expiresAt, Value: spec.expiresAt.toISOString() },
    { Key: BASTION_TAGS.target, Value: spec.target },
    { Key: 'Name', Value: `drawbridge-${spec.requestId}` },
  ];
  return {
    ImageId: image.imageId,
    InstanceType: config.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: spec.requestId,
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    NetworkInterfaces: [
      { DeviceIndex: 0, SubnetId: subnetId, Groups: [config.securityGroup], AssociatePublicIpAddress: false },
    ],
    BlockDeviceMappings: [
      {
        DeviceName: image.rootDeviceName,
        Ebs: {
          VolumeType: 'gp3',
          Encrypted: true,
          DeleteOnTermination: true,
          ...(image.rootVolumeGiB === undefined ? {} : { VolumeSize: image.rootVolumeGiB }),
        },
      },
    ],
    IamInstanceProfile: config.instanceProfile.startsWith('arn:')
      ? { Arn: config.instanceProfile }
      : { Name: config.instanceProfile },
    InstanceInitiatedShutdownBehavior: 'terminate',
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
      // IAM checks aws:RequestTag on every resource RunInstances creates, the network interface included.
      { ResourceType: 'network-interface', Tags: tags },
    ],
    UserData: encodeUserData(bastionUserData(spec.shutdownAfterSeconds)),
  };
}
