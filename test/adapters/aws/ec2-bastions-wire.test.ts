import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { awsErrorCode } from '../../../src/adapters/aws/aws-errors.js';
import { Ec2Bastions } from '../../../src/adapters/aws/ec2-bastions.js';
import { CONFIG, DEPLOYMENT, REGION, SPEC, TARGETS } from './ec2-fixtures.js';
import { cannedHandler, ec2ErrorXml, type Reply, TEST_CREDENTIALS } from './wired-client.js';

/**
 * The other tests build SDK errors by hand; these feed real EC2 XML responses through the real client (its
 * query-protocol deserializer included), to show the adapter reads error codes the way the SDK actually
 * delivers them. One attempt per call: how the SDK retries is client-settings.test.ts's subject.
 */
function wiredClient(replies: Reply[]) {
  const { requestHandler, sent } = cannedHandler(replies);
  const ec2 = new EC2Client({
    region: REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler,
  });
  return { ec2, sent };
}

const errorXml = ec2ErrorXml;

const launchedXml = (id: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><reservationId>r-0aaa</reservationId><instancesSet><item><instanceId>${id}</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item></instancesSet></RunInstancesResponse>`;

/** DescribeImages of CONFIG's AMI as EC2 answers it: the root device and its snapshot's size. */
const imageXml = () => ({
  status: 200,
  body: `<?xml version="1.0" encoding="UTF-8"?>
<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><imagesSet><item><imageId>${CONFIG.ami}</imageId><rootDeviceName>/dev/sda1</rootDeviceName><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>snap-0aaa</snapshotId><volumeSize>10</volumeSize></ebs></item></blockDeviceMapping></item></imagesSet></DescribeImagesResponse>`,
});

function adapter(ec2: EC2Client) {
  const ssm = new SSMClient({ region: REGION });
  return new Ec2Bastions({
    ec2,
    ssm,
    config: CONFIG,
    region: REGION,
    deployment: DEPLOYMENT,
    targets: TARGETS,
  });
}

describe('Ec2Bastions over the real EC2 client and its XML errors', () => {
  it('reads a capacity error off the wire, retries in the next subnet with the same client token', async () => {
    const { ec2, sent } = wiredClient([
      imageXml(),
      {
        status: 500,
        body: errorXml('InsufficientInstanceCapacity', 'We currently do not have sufficient capacity.'),
      },
      { status: 200, body: launchedXml('i-0wire000000000001') },
    ]);

    await expect(adapter(ec2).launch(SPEC)).resolves.toEqual({ id: 'i-0wire000000000001' });

    const params = sent.map((request) => new URLSearchParams(request.body));
    expect(params.map((p) => p.get('Action'))).toEqual(['DescribeImages', 'RunInstances', 'RunInstances']);
    const launches = params.slice(1);
    expect(launches.map((p) => p.get('NetworkInterface.1.SubnetId'))).toEqual(['subnet-aaa', 'subnet-bbb']);
    expect(launches.map((p) => p.get('ClientToken'))).toEqual([SPEC.requestId, SPEC.requestId]);
    expect(launches[0]?.get('MetadataOptions.HttpTokens')).toBe('required');
    expect(launches[0]?.get('NetworkInterface.1.AssociatePublicIpAddress')).toBe('false');
    // The root volume is the AMI's own root device, as large as its snapshot: no second, size-less volume.
    expect(launches[0]?.get('BlockDeviceMapping.1.DeviceName')).toBe('/dev/sda1');
    expect(launches[0]?.get('BlockDeviceMapping.1.Ebs.VolumeSize')).toBe('10');
    expect(launches[0]?.get('BlockDeviceMapping.2.DeviceName')).toBeNull();
  });

  it('reads a dotted EC2 code such as InvalidInstanceID.NotFound, so terminating a gone instance is fine', async () => {
    const notFound = () => ({
      status: 400,
      body: errorXml('InvalidInstanceID.NotFound', "The instance ID 'i-0gone' does not exist"),
    });
    const { ec2 } = wiredClient([notFound(), notFound()]);

    await expect(adapter(ec2).terminate('i-0gone')).resolves.toBeUndefined();
    const error = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0gone'] })).catch((e) => e);
    expect(awsErrorCode(error)).toBe('InvalidInstanceID.NotFound');
  });
});
