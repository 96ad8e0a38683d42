/**
 * The whole AWS-mode flow on moto_server, through the Lambdas' own runtime (`buildAwsRuntime`, the SDK's
 * standard AWS_ENDPOINT_URL) and the worker handler: submit → approve → provision (EC2 bastion, SSM agent
 * Online, the MySQL account on the local MariaDB pinned to the bastion's private address, both schedules in
 * EventBridge Scheduler) → the stored teardown schedule's input handed to the worker → teardown. Slack is the
 * loopback stub. A second deployment in the same region keeps its bastion through the first one's sweep.
 */
import { randomBytes } from 'node:crypto';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Ec2Bastions } from '../../src/adapters/aws/ec2-bastions.js';
import { parseWorkerEvent } from '../../src/adapters/aws/worker-event.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { checkHistory } from '../../src/domain/seal.js';
import type { AccessRequest } from '../../src/domain/types.js';
import { buildAwsRuntime } from '../../src/entry/aws-app.js';
import { historySealKeys } from '../../src/entry/history-keys.js';
import { createAdminPool, createSchema, dropSchemas, uniqueName } from '../support/mysql-admin.js';
import { type SlackStub, startSlackStub } from '../support/slack-stub.js';
import { describeOnMoto, motoClientConfig, motoEndpoint } from './moto.js';
import { type MotoDeployment, motoDeployment } from './moto-deployment.js';
import { type SsmAgentShim, startSsmAgentShim } from './moto-ssm-agent-shim.js';

const REGION = 'ap-southeast-2';
const REQUESTER = 'U0MOTOREQ';
const APPROVER = 'U0MOTOAPP';
const CHANNEL = 'C0MOTOAPPR';
const silent = { info() {}, warn() {}, error() {} };

describeOnMoto('AWS mode end to end on moto_server', () => {
  let shim: SsmAgentShim;
  let stub: SlackStub;
  let admin: Pool;
  let prod: MotoDeployment;
  const schema = uniqueName('moto_flow');
  const target = `moto-${randomBytes(3).toString('hex')}`;
  const dbUser = `moto_${randomBytes(4).toString('hex')}`;
  const ec2 = () => new EC2Client(motoClientConfig(REGION));
  const saved = { ...process.env };

  beforeAll(async () => {
    shim = await startSsmAgentShim(motoEndpoint as string);
    stub = await startSlackStub();
    stub.users.register({ id: REQUESTER, name: 'Moto Requester', email: `${dbUser}@example.com` });
    stub.users.register({ id: APPROVER, name: 'Moto Approver', email: 'moto.approver@example.com' });
    admin = createAdminPool();
    await createSchema(admin, schema, ['customers', 'secret_tokens']);
    prod = await motoDeployment({
      region: REGION,
      deployment: 'drawbridge-prod',
      motoEndpoint: motoEndpoint as string,
      endpoint: shim.endpoint,
      target,
      schema,
      approvalChannel: CHANNEL,
      approvers: [APPROVER],
      slackApiUrl: stub.url,
      admin,
      logger: silent,
    });
  });
  afterAll(async () => {
    await prod?.close();
    await admin.query(`DROP ROLE IF EXISTS \`drawbridge_${target.replace(/-/g, '_')}_read\``).catch(() => {});
    await dropSchemas(admin, [schema]);
    await admin.end();
    await stub.close();
    await shim.close();
    process.env = saved;
  });

  it('runs one request from submit to teardown, and the account and bastion are gone after', async () => {
    const submitted = await submitRequest(prod.deps, {
      requesterId: REQUESTER,
      target,
      tier: 'READ',
      durationSeconds: 3600,
      reason: 'moto end-to-end',
    });
    if (!submitted.ok) throw new Error(submitted.error.message);
    const id = submitted.value.id;
    await stub.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);

    const decided = await decideRequest(prod.deps, { requestId: id, actor: APPROVER, verdict: 'approve' });
    expect(decided.ok).toBe(true);
    expect(prod.work.items).toEqual([{ kind: 'provision', requestId: id }]);
    await prod.deliverWork();

    const active = await prod.deps.store.get(id);
    expect(active?.state).toBe('active');
    const bastionId = active?.bastionId as string;
    const { Reservations } = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [bastionId] }));
    const instance = Reservations?.[0]?.Instances?.[0];
    expect(instance?.State?.Name).toBe('running');
    expect(instance?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'drawbridge:deployment', Value: 'drawbridge-prod' },
        { Key: 'drawbridge:request-id', Value: id },
        { Key: 'drawbridge:owner', Value: REQUESTER },
      ]),
    );
    // The account is pinned to the bastion's private address, and only there.
    const [accounts] = await admin.query<RowDataPacket[]>(
      'SELECT Host AS host FROM mysql.user WHERE User = ?',
      [dbUser],
    );
    expect(accounts.map((a) => a.host)).toEqual([instance?.PrivateIpAddress]);
    expect(active?.account).toEqual({ user: dbUser, host: instance?.PrivateIpAddress });

    // Both schedules are in EventBridge Scheduler, each invoking the worker with its job.
    const scheduler = new SchedulerClient(motoClientConfig(REGION));
    const schedule = (kind: string) =>
      scheduler.send(
        new GetScheduleCommand({ GroupName: 'drawbridge-prod', Name: `drawbridge-${id}-${kind}` }),
      );
    const teardown = await schedule('teardown');
    expect(teardown).toMatchObject({
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: prod.config.scheduler.kind === 'eventbridge' ? prod.config.scheduler.targetArn : '' },
    });
    expect(parseWorkerEvent(JSON.parse(teardown.Target?.Input ?? 'null'))).toEqual({
      ok: true,
      value: { kind: 'job', job: { requestId: id, kind: 'teardown' } },
    });
    expect((await schedule('warn')).Target?.Input).toContain('"warn"');

    // The requester heard how to connect: an SSM port-forwarding route, never a password.
    const dm = await stub.waitFor('chat.postMessage', (c) => c.args.channel === REQUESTER);
    expect(JSON.stringify(dm.args)).toContain(bastionId);
    expect(JSON.stringify(dm.args)).toContain('--document-name Drawbridge-PortForwardToDatabase');

    // The teardown schedule fires: its stored input goes to the worker as Scheduler would send it.
    const result = await prod.worker(JSON.parse(teardown.Target?.Input as string));
    expect(result).toEqual({ ok: true, kind: 'job' });

    const ended = await prod.deps.store.get(id);
    expect(ended?.state).toBe('ended');
    // Every write was sealed with the deployment's KMS key: the history verifies with its public key.
    const keys = await historySealKeys(prod.config);
    expect(checkHistory(ended as AccessRequest, keys)).toEqual({ ok: true });
    const after = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [bastionId] }));
    expect(after.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated');
    const [left] = await admin.query<RowDataPacket[]>('SELECT Host FROM mysql.user WHERE User = ?', [dbUser]);
    expect(left).toEqual([]);
    await expect(schedule('warn')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await stub.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === REQUESTER && JSON.stringify(c.args).includes('ended'),
    );
    scheduler.destroy();
  });

  it("sweeps its own deployment only: another Drawbridge's live bastion in the region survives", async () => {
    const staging = new Ec2Bastions({
      ec2: ec2(),
      ssm: new SSMClient(motoClientConfig(REGION)),
      config: prod.config.bastion.kind === 'ec2' ? prod.config.bastion : (undefined as never),
      region: REGION,
      deployment: 'drawbridge-staging',
      targets: { [target]: { host: '127.0.0.1', port: 3306 } },
    });
    const theirs = await staging.launch({
      requestId: 'r-stagngaaaa',
      target,
      owner: 'U0STAGING',
      expiresAt: new Date(Date.now() + 3_600_000),
      shutdownAfterSeconds: 3_600,
    });

    const result = await prod.worker({ kind: 'sweep' });

    expect(result).toEqual({ ok: true, kind: 'sweep' });
    const { Reservations } = await ec2().send(new DescribeInstancesCommand({ InstanceIds: [theirs.id] }));
    expect(Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
    expect((await staging.list()).map((b) => b.id)).toEqual([theirs.id]);
  });

  it('the slack function reads no database password and reaches no database; the worker needs its password', async () => {
    const config = structuredClone(prod.config);
    const [first] = config.targets;
    if (!first) throw new Error('a target');
    first.database.adminPasswordParameter = '/nowhere/admin-password';

    const slack = await buildAwsRuntime(config, silent, { role: 'slack', slackApiUrl: stub.url });
    expect(slack.deps.databases.targets()).toEqual([target]);
    expect(() => slack.deps.databases.forTarget(target)).toThrow(/reached from the worker only/);
    await expect(buildAwsRuntime(config, silent, { role: 'worker', slackApiUrl: stub.url })).rejects.toThrow(
      /\/nowhere\/admin-password/,
    );
  });
});
