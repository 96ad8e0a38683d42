/**
 * The EC2 bastion adapter against moto_server: the real RunInstances request (AMI from the public SSM
 * parameter, its root device from DescribeImages), listing by deployment, waiting for reachability (SSM
 * agent status from the named shim, since moto has no agents) and termination.
 */
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Ec2Bastions } from '../../src/adapters/aws/ec2-bastions.js';
import { cryptoRandom } from '../../src/adapters/system/system.js';
import type { Ec2BastionConfig } from '../../src/config/config-types.js';
import type { LaunchSpec } from '../../src/domain/ports.js';
import { newRequestId } from '../../src/domain/request-id.js';
import { describeOnMoto, motoClientConfig, motoEndpoint } from './moto.js';
import { bastionNetwork } from './moto-network.js';
import { type SsmAgentShim, startSsmAgentShim } from './moto-ssm-agent-shim.js';

const REGION = 'eu-west-2';
const TARGETS = { orders: { host: 'orders.cluster-x.eu-west-2.rds.amazonaws.com', port: 3306 } };

const spec = (overrides: Partial<LaunchSpec> = {}): LaunchSpec => ({
  requestId: newRequestId(cryptoRandom),
  target: 'orders',
  owner: 'U024BE7LH',
  expiresAt: new Date(Date.now() + 3_600_000),
  shutdownAfterSeconds: 4_500,
  ...overrides,
});

const tagOf = (instance: Instance | undefined, key: string) =>
  instance?.Tags?.find((t) => t.Key === key)?.Value;

describeOnMoto('Ec2Bastions on moto_server', () => {
  let ec2: EC2Client;
  let shim: SsmAgentShim;
  let network: Ec2BastionConfig;
  const bastions = (deployment: string, config: Partial<Ec2BastionConfig> = {}) =>
    new Ec2Bastions({
      ec2,
      ssm: new SSMClient(motoClientConfig(REGION)),
      config: { ...network, ...config },
      region: REGION,
      deployment,
      targets: TARGETS,
    });
  const describe = async (id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];

  beforeAll(async () => {
    ec2 = new EC2Client(motoClientConfig(REGION));
    shim = await startSsmAgentShim(motoEndpoint as string);
    network = await bastionNetwork(ec2, REGION, motoEndpoint as string);
  });
  afterAll(async () => {
    ec2.destroy();
    await shim.close();
  });

  it('launches from the public AL2023 parameter with the hardened request, tagged with its deployment', async () => {
    const launch = spec();
    const { id } = await bastions('drawbridge-prod').launch(launch);

    const instance = await describe(id);
    expect(instance?.State?.Name).toBe('running');
    expect(instance?.SubnetId).toBe(network.subnets[0]);
    expect(instance?.NetworkInterfaces?.[0]?.Groups?.map((g) => g.GroupId)).toEqual([network.securityGroup]);
    expect(instance?.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(instance?.PublicIpAddress).toBeUndefined();
    expect(tagOf(instance, 'drawbridge:deployment')).toBe('drawbridge-prod');
    expect(tagOf(instance, 'drawbridge:request-id')).toBe(launch.requestId);
    expect(tagOf(instance, 'drawbridge:owner')).toBe('U024BE7LH');
    // One volume, on the image's own root device.
    expect(instance?.BlockDeviceMappings?.map((m) => m.DeviceName)).toEqual([instance?.RootDeviceName]);
  });

  it('puts the root volume on the root device the AMI names, /dev/sda1 included', async () => {
    const { Images = [] } = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const sda1 = Images.find(
      (i) => i.RootDeviceName === '/dev/sda1' && i.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize,
    );
    expect(sda1?.ImageId).toMatch(/^ami-/);

    // A mapping on /dev/xvda would be a second, size-less volume here, which EC2 (and moto) refuse.
    const { id } = await bastions('drawbridge-prod', { ami: sda1?.ImageId as string }).launch(spec());

    const instance = await describe(id);
    expect(instance?.ImageId).toBe(sda1?.ImageId);
    expect(instance?.BlockDeviceMappings?.map((m) => m.DeviceName)).toEqual(['/dev/sda1']);
  });

  it('waits until the instance runs and its agent is Online, then gives its private address and the SSM route', async () => {
    const { id } = await bastions('drawbridge-prod').launch(spec());
    const withShim = new Ec2Bastions({
      ec2,
      ssm: new SSMClient({ ...motoClientConfig(REGION), endpoint: shim.endpoint }),
      config: network,
      region: REGION,
      deployment: 'drawbridge-prod',
      targets: TARGETS,
    });

    const ref = await withShim.waitReachable(id, 'orders');

    expect(ref.sourceIp).toBe((await describe(id))?.PrivateIpAddress);
    expect(ref.sourceIp).toMatch(/^10\.20\.1\.\d+$/);
    expect(ref.connect).toEqual({
      kind: 'ssm',
      instanceId: id,
      region: REGION,
      remoteHost: TARGETS.orders.host,
      remotePort: 3306,
      localPort: 13306,
      document: 'Drawbridge-PortForwardToDatabase',
    });
    expect(shim.reportedOnline).toContain(id);
  });

  it("lists only its own deployment's bastions: a second Drawbridge in the region is invisible to it", async () => {
    const prod = bastions('drawbridge-prod');
    const staging = bastions('drawbridge-staging');
    const ours = await prod.launch(spec());
    const theirs = await staging.launch(spec());

    const prodIds = (await prod.list()).map((b) => b.id);
    const stagingIds = (await staging.list()).map((b) => b.id);

    expect(prodIds).toContain(ours.id);
    expect(prodIds).not.toContain(theirs.id);
    expect(stagingIds).toEqual([theirs.id]);
  });

  it('terminates, idempotently, and a terminated bastion leaves the listing', async () => {
    const prod = bastions('drawbridge-prod');
    const { id } = await prod.launch(spec());

    await prod.terminate(id);
    await prod.terminate(id);
    await prod.terminate('i-0123456789abcdef0');

    expect((await describe(id))?.State?.Name).toBe('terminated');
    expect((await prod.list()).map((b) => b.id)).not.toContain(id);
  });
});
