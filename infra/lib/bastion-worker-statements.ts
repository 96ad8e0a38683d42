import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TAG } from './props.js';

/** Every tag key a bastion launch may set: Drawbridge's own and the console `Name`. */
export const BASTION_TAG_KEYS: readonly string[] = [...Object.values(TAG), 'Name'];

/** A Drawbridge request id as the request-id tag carries it (`src/domain/new-request.ts`). */
export const REQUEST_ID_PATTERN = 'r-*';

/** What the worker launches into and with; ARNs, not ids. */
export interface BastionControlTargets {
  subnetArns: string[];
  securityGroupArn: string;
  roleArn: string;
}

/**
 * The worker's bastion permissions, one statement per rule, each as narrow as EC2 lets it be. What the
 * worker calls (`src/adapters/aws/ec2-bastions.ts`): RunInstances, DescribeInstances, TerminateInstances,
 * DescribeImages (the AMI's root device), ssm:DescribeInstanceInformation and ssm:GetParameter (the AMI).
 *
 * - RunInstances is authorised once per resource it touches. What it creates (the instance, its volume,
 *   its network interface) is allowed only when the request tags that resource with a request id and
 *   nothing but Drawbridge's tag keys, so the worker cannot start an instance that is not a bastion. What
 *   it uses cannot carry a request tag, so those are pinned by ARN: the bastion subnets, the bastion
 *   security group, and images (any image: the AMI comes from an SSM parameter or the config).
 * - The instance must also require IMDSv2 tokens.
 * - `aws:RequestTag` is matched per resource type against that type's TagSpecification: the launch must
 *   tag `instance`, `volume` and `network-interface` (infra/test/bastion-launch-contract.test.ts checks).
 * - Tags can be written only by RunInstances itself (`ec2:CreateAction`), never onto an existing
 *   resource; so nothing outside Drawbridge can be made to look like a bastion and then terminated.
 * - Every bastion carries `drawbridge:deployment` = this stack's name; the worker may create and terminate
 *   only instances tagged so, so one deployment cannot end another's bastions.
 * - DescribeInstances, DescribeImages and ssm:DescribeInstanceInformation have no resource-level
 *   permissions: AWS accepts only `*`. All are read-only.
 * - The default EBS key (aws/ebs) needs no KMS permission; an account whose EBS encryption default is a
 *   customer key must also grant kms:CreateGrant/GenerateDataKeyWithoutPlaintext/Decrypt on it.
 */
export function bastionControlStatements(
  stack: Stack,
  targets: BastionControlTargets,
): iam.PolicyStatement[] {
  const ec2Arn = (resource: string, account?: string) =>
    stack.formatArn({
      service: 'ec2',
      resource,
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      ...(account === undefined ? {} : { account }),
    });
  const instances = ec2Arn('instance');
  // The deployment tag is this stack's name: the worker launches, tags and terminates only its own bastions,
  // never another Drawbridge's in the same account and region.
  const deployment = { [`aws:RequestTag/${TAG.deployment}`]: stack.stackName };
  const tagged = {
    StringLike: { [`aws:RequestTag/${TAG.requestId}`]: REQUEST_ID_PATTERN },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [...BASTION_TAG_KEYS] },
  };
  return [
    new iam.PolicyStatement({
      sid: 'LaunchTaggedBastionInstances',
      actions: ['ec2:RunInstances'],
      resources: [instances],
      conditions: { ...tagged, StringEquals: { ...deployment, 'ec2:MetadataHttpTokens': 'required' } },
    }),
    new iam.PolicyStatement({
      sid: 'LaunchTaggedBastionVolumesAndInterfaces',
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('volume'), ec2Arn('network-interface')],
      conditions: { ...tagged, StringEquals: deployment },
    }),
    new iam.PolicyStatement({
      sid: 'LaunchIntoBastionSubnetsWithBastionGroup',
      actions: ['ec2:RunInstances'],
      resources: [...targets.subnetArns, targets.securityGroupArn, ec2Arn('image', '')],
    }),
    new iam.PolicyStatement({
      sid: 'TagOnlyWhileLaunching',
      actions: ['ec2:CreateTags'],
      resources: [instances, ec2Arn('volume'), ec2Arn('network-interface')],
      conditions: { ...tagged, StringEquals: { ...deployment, 'ec2:CreateAction': 'RunInstances' } },
    }),
    new iam.PolicyStatement({
      sid: 'TerminateOnlyBastions',
      actions: ['ec2:TerminateInstances'],
      resources: [instances],
      conditions: {
        StringLike: { [`ec2:ResourceTag/${TAG.requestId}`]: REQUEST_ID_PATTERN },
        StringEquals: { [`ec2:ResourceTag/${TAG.deployment}`]: stack.stackName },
      },
    }),
    new iam.PolicyStatement({
      sid: 'WatchBastionsReadOnly',
      actions: ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ssm:DescribeInstanceInformation'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'PassOnlyTheBastionRoleToEc2',
      actions: ['iam:PassRole'],
      resources: [targets.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadPublicAmazonLinuxAmiParameters',
      actions: ['ssm:GetParameter'],
      resources: [
        stack.formatArn({
          service: 'ssm',
          account: '',
          resource: 'parameter',
          resourceName: 'aws/service/ami-amazon-linux-latest/*',
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    }),
  ];
}
