import {
  DescribeImagesCommand,
  EC2Client,
  EC2ServiceException,
  type Image,
  type Instance,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { type Ec2BastionStage, Ec2Bastions } from '../../../src/adapters/aws/ec2-bastions.js';
import type { Ec2BastionConfig } from '../../../src/config/config-types.js';
import type { LaunchSpec } from '../../../src/domain/ports.js';

export const REGION = 'eu-west-1';
export const DEPLOYMENT = 'drawbridge-prod';

export const CONFIG: Ec2BastionConfig = {
  kind: 'ec2',
  subnets: ['subnet-aaa', 'subnet-bbb', 'subnet-ccc'],
  securityGroup: 'sg-0123456789abcdef0',
  instanceProfile: 'drawbridge-bastion',
  instanceType: 't3.micro',
  ami: 'ami-0abcdef1234567890',
  readyTimeoutSeconds: 30,
  localPort: 13306,
  portForwardingDocument: 'Drawbridge-PortForwardToDatabase',
};

export const TARGETS = { orders: { host: 'orders.cluster-x.eu-west-1.rds.amazonaws.com', port: 3306 } };

export const SPEC: LaunchSpec = {
  requestId: 'r-7k2m9q4x8d',
  target: 'orders',
  owner: 'U024BE7LH',
  expiresAt: new Date('2025-03-01T10:30:00.000Z'),
  shutdownAfterSeconds: 5430,
};

/**
 * An EC2 error as the SDK delivers it: EC2 models no exception classes, so the query protocol throws the
 * service's base exception with `name` and `Code` set to the code from the XML body.
 */
export function ec2Error(code: string, message: string, status = 400, attempts = 1): EC2ServiceException {
  const error = new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'a1b2c3d4-0000-0000-0000-000000000000', attempts },
    message,
  });
  return Object.assign(error, { Code: code, Error: { Code: code, Message: message } });
}

export const capacityError = () =>
  ec2Error(
    'InsufficientInstanceCapacity',
    'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (eu-west-1a).',
    500,
  );
/** A throttle as the SDK throws it once its retries are spent, `attempts` recorded on it. */
export const throttleError = (attempts = 1) =>
  ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503, attempts);

export function instance(id: string, state: string, extra: Partial<Instance> = {}): Instance {
  return {
    InstanceId: id,
    State: { Name: state as NonNullable<Instance['State']>['Name'] },
    PrivateIpAddress: '10.0.2.57',
    Tags: [
      { Key: 'drawbridge:deployment', Value: DEPLOYMENT },
      { Key: 'drawbridge:request-id', Value: SPEC.requestId },
      { Key: 'drawbridge:target', Value: 'orders' },
    ],
    ...extra,
  };
}

/** CONFIG's AMI as DescribeImages answers for it: an Amazon Linux root device and an 8 GiB snapshot. */
export const IMAGE: Image = {
  ImageId: CONFIG.ami,
  RootDeviceName: '/dev/xvda',
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0aaa', VolumeSize: 8 } }],
};

/** The adapter on mocked clients (the SDK's retry layer is bypassed: each mocked reply is one attempt). */
export function setup(config: Partial<Ec2BastionConfig> = {}) {
  const ec2 = new EC2Client({ region: REGION });
  const ssm = new SSMClient({ region: REGION });
  const ec2Mock = mockClient(ec2);
  const ssmMock = mockClient(ssm);
  ec2Mock.on(DescribeImagesCommand).callsFake(({ ImageIds }: { ImageIds?: string[] }) => ({
    Images: (ImageIds ?? []).map((id) => ({ ...IMAGE, ImageId: id })),
  }));
  const progress: Ec2BastionStage[] = [];
  const bastions = new Ec2Bastions({
    ec2,
    ssm,
    config: { ...CONFIG, ...config },
    region: REGION,
    deployment: DEPLOYMENT,
    targets: TARGETS,
    onProgress: ({ stage }) => progress.push(stage),
  });
  return { bastions, ec2Mock, ssmMock, progress };
}
