/**
 * Drawbridge's own overhead in AWS mode: approve click → `active` against moto_server, whose instances are
 * "running" at once, so what is measured is ours — the decision, the EC2 launch and describes, the SSM agent
 * check (moto's gap, answered by the test shim), the MySQL account on MariaDB, both schedules in EventBridge
 * Scheduler, the DynamoDB writes and the Slack notices (loopback stub). On AWS the EC2 boot (~25 s) and the
 * SSM registration come on top of this.
 */
import { performance } from 'node:perf_hooks';
import { decideRequest } from '../src/app/decide-request.js';
import { endAccess } from '../src/app/end-access.js';
import { submitRequest } from '../src/app/submit-request.js';
import { motoDeployment } from '../test/aws/moto-deployment.js';
import { motoServerCommand, startMotoServer } from '../test/aws/moto-server.js';
import { startSsmAgentShim } from '../test/aws/moto-ssm-agent-shim.js';
import { createAdminPool, createSchema, dropSchemas, uniqueName } from '../test/support/mysql-admin.js';
import { startSlackStub } from '../test/support/slack-stub.js';
import { percentile } from './stats.js';

export interface AwsBench {
  runs: number;
  p50: number;
  p99: number;
  max: number;
}

/** Requests are spread over ten requesters, each within the per-requester hourly cap. */
const REQUESTERS = Array.from({ length: 10 }, (_, i) => `U0BENCHR${i}`);
const APPROVER = 'U0BENCHAPP';
const silent = { info() {}, warn() {}, error() {} };

/** undefined when moto_server is not installed. */
export async function runAwsBench(runs = 50): Promise<AwsBench | undefined> {
  const command = motoServerCommand();
  if (!command) return undefined;
  const saved = { ...process.env };
  const moto = await startMotoServer(command);
  const shim = await startSsmAgentShim(moto.endpoint);
  const stub = await startSlackStub();
  for (const [i, id] of REQUESTERS.entries())
    stub.users.register({ id, name: `Bench Requester ${i}`, email: `aws_bench_${i}@example.com` });
  stub.users.register({ id: APPROVER, name: 'Bench Approver', email: 'aws.bench.approver@example.com' });
  const admin = createAdminPool();
  const schema = uniqueName('aws_bench');
  await createSchema(admin, schema, ['customers', 'orders', 'secret_tokens']);
  const deployment = await motoDeployment({
    region: 'eu-central-1',
    deployment: 'drawbridge-bench',
    motoEndpoint: moto.endpoint,
    endpoint: shim.endpoint,
    target: 'awsbench',
    schema,
    approvalChannel: 'C0AWSBENCH',
    approvers: [APPROVER],
    slackApiUrl: stub.url,
    admin,
    logger: silent,
  });
  const { deps } = deployment;
  let made = 0;
  const lifecycle = async (): Promise<number> => {
    const requester = REQUESTERS[made++ % REQUESTERS.length] as string;
    const submitted = await submitRequest(deps, {
      requesterId: requester,
      target: 'awsbench',
      tier: 'READ',
      durationSeconds: 3600,
      reason: 'aws bench',
    });
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    const start = performance.now();
    await decideRequest(deps, { requestId: id, actor: APPROVER, verdict: 'approve' });
    await deployment.deliverWork();
    const ms = performance.now() - start;
    const state = (await deps.store.get(id))?.state;
    if (state !== 'active') throw new Error(`request ${id} ended ${state}, not active`);
    await endAccess(deps, { requestId: id, actor: requester });
    await deployment.deliverWork();
    return ms;
  };
  try {
    for (let i = 0; i < 3; i++) await lifecycle(); // warm the clients, the pools and the AMI cache
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await lifecycle());
    return { runs, p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
  } finally {
    await deployment.close();
    await admin.query('DROP ROLE IF EXISTS `drawbridge_awsbench_read`').catch(() => {});
    await dropSchemas(admin, [schema]);
    await admin.end();
    await stub.close();
    await shim.close();
    await moto.stop();
    process.env = saved;
  }
}
