/**
 * The account shape a bastion needs, made on moto in one region: a VPC with one private subnet, the bastion
 * security group and an instance profile (moto checks that the profile exists, as EC2 does).
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Ec2BastionConfig } from '../../src/config/config-types.js';
import { motoClientSettings } from './moto-server.js';

export async function bastionNetwork(
  ec2: EC2Client,
  region: string,
  motoEndpoint: string,
): Promise<Ec2BastionConfig> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }));
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: 'drawbridge-bastion',
      Description: 'bastions',
    }),
  );
  const profile = `drawbridge-bastion-${region}`;
  const iam = new IAMClient(motoClientSettings(motoEndpoint, 'us-east-1'));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile })).catch((e: unknown) => {
    if ((e as { name?: string }).name !== 'EntityAlreadyExists') throw e;
  });
  iam.destroy();
  return {
    kind: 'ec2',
    subnets: [subnet.Subnet?.SubnetId as string],
    securityGroup: group.GroupId as string,
    instanceProfile: profile,
    instanceType: 't3.micro',
    ami: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    readyTimeoutSeconds: 30,
    localPort: 13306,
    portForwardingDocument: 'Drawbridge-PortForwardToDatabase',
  };
}
