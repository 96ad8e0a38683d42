/**
 * moto has no SSM agents, so no `DescribeInstanceInformation`: on moto an instance would never be "Online"
 * and every provisioning would wait out its ready timeout. This test-only shim is a loopback HTTP proxy in
 * front of moto_server that answers that one call as an agent would — `Online` for each requested instance
 * that moto's EC2 says is running, nothing for any other — and forwards every other request unchanged.
 * Point `AWS_ENDPOINT_URL` (or a client's `endpoint`) at `shim.endpoint`.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { MOTO_CREDENTIALS } from './moto-server.js';

export interface SsmAgentShim {
  endpoint: string;
  /** Instance ids the shim reported Online, in the order asked. */
  readonly reportedOnline: string[];
  close(): Promise<void>;
}

const TARGET = 'AmazonSSM.DescribeInstanceInformation';

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The region a SigV4-signed request was signed for: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function signedRegion(req: IncomingMessage): string {
  const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? 'us-east-1';
}

export async function startSsmAgentShim(motoEndpoint: string): Promise<SsmAgentShim> {
  const moto = new URL(motoEndpoint);
  const reportedOnline: string[] = [];
  const clients = new Map<string, EC2Client>();
  const ec2In = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new EC2Client({ region, endpoint: motoEndpoint, credentials: MOTO_CREDENTIALS });
      clients.set(region, client);
    }
    return client;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      if (req.headers['x-amz-target'] === TARGET) {
        const input = JSON.parse(body.toString('utf8') || '{}') as {
          Filters?: { Key: string; Values: string[] }[];
        };
        const ids = input.Filters?.find((f) => f.Key === 'InstanceIds')?.Values ?? [];
        const ec2 = ec2In(signedRegion(req));
        const running = ids.length
          ? ((
              await ec2
                .send(new DescribeInstancesCommand({ InstanceIds: ids }))
                .catch(() => ({ Reservations: [] }))
            ).Reservations?.flatMap((r) => r.Instances ?? [])
              .filter((i) => i.State?.Name === 'running')
              .map((i) => i.InstanceId as string) ?? [])
          : [];
        reportedOnline.push(...running);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            InstanceInformationList: running.map((id) => ({ InstanceId: id, PingStatus: 'Online' })),
          }),
        );
        return;
      }
      const forward = httpRequest(
        {
          host: moto.hostname,
          port: moto.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: moto.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      forward.end(body);
    })().catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    reportedOnline,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of clients.values()) client.destroy();
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
