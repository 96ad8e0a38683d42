import { EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { awsErrorCode, isThrottling } from '../../../src/adapters/aws/aws-errors.js';
import { Ec2Bastions } from '../../../src/adapters/aws/ec2-bastions.js';
import { CONFIG, DEPLOYMENT, FakeTime, REGION, SPEC, TARGETS } from './ec2-fixtures.js';

/**
 * The other tests build SDK errors by hand; these feed real EC2 XML responses through the real client (its
 * query-protocol deserializer included) from an in-memory HTTP handler, to show the adapter reads error
 * codes the way the SDK actually delivers them. No network: the handler answers every request itself.
 */
interface Reply {
  status: number;
  xml: string;
}

function wiredClient(replies: Reply[]) {
  const bodies: string[] = [];
  const requestHandler = {
    async handle(request: { body?: unknown }) {
      bodies.push(String(request.body ?? ''));
      const reply = replies.shift();
      if (!reply) throw new Error('no reply left');
      return {
        response: {
          statusCode: reply.status,
          headers: { 'content-type': 'text/xml;charset=UTF-8' },
          body: new TextEncoder().encode(reply.xml),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  const ec2 = new EC2Client({
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-only-not-a-secret' },
    maxAttempts: 1, // the SDK's own retries would repeat replies; the adapter's are what is under test
    requestHandler,
  });
  return { ec2, bodies };
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>`;

const launchedXml = (id: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><reservationId>r-0aaa</reservationId><instancesSet><item><instanceId>${id}</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item></instancesSet></RunInstancesResponse>`;

/** DescribeImages of CONFIG's AMI as EC2 answers it: the root device and its snapshot's size. */
const imageXml = () => ({
  status: 200,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><imagesSet><item><imageId>${CONFIG.ami}</imageId><rootDeviceName>/dev/sda1</rootDeviceName><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>snap-0aaa</snapshotId><volumeSize>10</volumeSize></ebs></item></blockDeviceMapping></item></imagesSet></DescribeImagesResponse>`,
});

function adapter(ec2: EC2Client, time = new FakeTime()) {
  const ssm = new SSMClient({ region: REGION });
  return new Ec2Bastions({
    ec2,
    ssm,
    config: CONFIG,
    region: REGION,
    deployment: DEPLOYMENT,
    targets: TARGETS,
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
  });
}

describe('Ec2Bastions over the real EC2 client and its XML errors', () => {
  it('reads a capacity error off the wire, retries in the next subnet with the same client token', async () => {
    const { ec2, bodies } = wiredClient([
      imageXml(),
      {
        status: 500,
        xml: errorXml('InsufficientInstanceCapacity', 'We currently do not have sufficient capacity.'),
      },
      { status: 200, xml: launchedXml('i-0wire000000000001') },
    ]);

    await expect(adapter(ec2).launch(SPEC)).resolves.toEqual({ id: 'i-0wire000000000001' });

    const params = bodies.map((body) => new URLSearchParams(body));
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

  it('treats a RequestLimitExceeded off the wire as throttling and retries', async () => {
    const { ec2 } = wiredClient([
      imageXml(),
      { status: 503, xml: errorXml('RequestLimitExceeded', 'Request limit exceeded.') },
      { status: 200, xml: launchedXml('i-0wire000000000002') },
    ]);
    const time = new FakeTime();

    await expect(adapter(ec2, time).launch(SPEC)).resolves.toEqual({ id: 'i-0wire000000000002' });
    expect(time.sleeps).toEqual([750]);
  });

  it('reads a dotted EC2 code such as InvalidInstanceID.NotFound, so terminating a gone instance is fine', async () => {
    const notFound = () => ({
      status: 400,
      xml: errorXml('InvalidInstanceID.NotFound', "The instance ID 'i-0gone' does not exist"),
    });
    const { ec2 } = wiredClient([notFound(), notFound()]);

    await expect(adapter(ec2).terminate('i-0gone')).resolves.toBeUndefined();
    const error = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0gone'] })).catch((e) => e);
    expect([awsErrorCode(error), isThrottling(error)]).toEqual(['InvalidInstanceID.NotFound', false]);
  });
});
