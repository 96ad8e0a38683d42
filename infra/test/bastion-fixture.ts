import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Bastion } from '../lib/bastion.js';
import { type InfraProps, infraPropsSchema } from '../lib/props.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const VPC_CIDR = '10.20.0.0/16';

export const PROPS: InfraProps = infraPropsSchema.parse({
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  privateSubnetCidrs: ['10.20.1.0/24', '10.20.2.0/24'],
  databaseSecurityGroupIds: ['sg-0db00000000000001', 'sg-0db00000000000002'],
  databasePort: 3306,
  databaseHosts: ['orders.cluster-c0abcdefghij.eu-west-1.rds.amazonaws.com'],
  vpcEndpointSecurityGroupIds: ['sg-0e0000000000000e1'],
  configFile: 'drawbridge.aws.yaml',
  slackSigningSecretParameter: '/drawbridge/slack/signing-secret',
  slackBotTokenParameter: '/drawbridge/slack/bot-token',
  sessionIdleTimeoutMinutes: 15,
});

export interface FixtureOptions {
  props?: Partial<InfraProps>;
  /** Import the VPC with its CIDR (the default) or without. */
  vpcCidr?: boolean;
  /** Pass a key created by the "stack" (the default) or let the construct make its own. */
  stackKey?: boolean;
  packageRepositoryPrefixListId?: string;
}

/** A small stack holding the construct, a stand-in worker role granted control, and the stack's key. */
export function synthBastion(options: FixtureOptions = {}) {
  const props = { ...PROPS, ...options.props };
  const stack = new Stack(new App(), 'Drawbridge', { env: { account: ACCOUNT, region: REGION } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: props.vpcId,
    availabilityZones: props.availabilityZones,
    privateSubnetIds: props.privateSubnetIds,
    privateSubnetIpv4CidrBlocks: props.privateSubnetCidrs,
    ...(options.vpcCidr === false ? {} : { vpcCidrBlock: VPC_CIDR }),
  });
  const key = options.stackKey === false ? undefined : new kms.Key(stack, 'StackKey');
  const bastion = new Bastion(stack, 'Bastion', {
    vpc,
    props,
    ...(key ? { key } : {}),
    ...(options.packageRepositoryPrefixListId
      ? { packageRepositoryPrefixListId: options.packageRepositoryPrefixListId }
      : {}),
  });
  const worker = new iam.Role(stack, 'Worker', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  bastion.grantControl(worker);
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return { stack, bastion, worker, key, template, logicalId, props };
}
