/**
 * The DynamoDB store, SSM parameters and EventBridge Scheduler adapters against moto_server, each one call
 * at a time (moto's conditional writes are not atomic under concurrency: the race tests stay on dynalite).
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleGroupCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventBridgeScheduler } from '../../src/adapters/aws/eventbridge-scheduler.js';
import { SsmParameters } from '../../src/adapters/aws/ssm-parameters.js';
import { DynamoDbOwnershipLedger } from '../../src/adapters/dynamodb/dynamodb-ownership-ledger.js';
import { DynamoDbRequestStore } from '../../src/adapters/dynamodb/dynamodb-request-store.js';
import { ensureTable } from '../../src/adapters/dynamodb/ensure-table.js';
import { AlreadyExistsError, ConcurrentChangeError, DependencyError } from '../../src/domain/errors.js';
import { anEvent, aRequest, isoAfter } from '../support/request-builder.js';
import { describeOnMoto, motoClientConfig } from './moto.js';

const REGION = 'us-west-2';
const ACCOUNT = '123456789012';

describeOnMoto('on moto_server', () => {
  const dynamo = new DynamoDBClient(motoClientConfig(REGION));
  const ssm = new SSMClient(motoClientConfig(REGION));
  const schedulerClient = new SchedulerClient(motoClientConfig(REGION));
  const table = `drawbridge-${randomBytes(4).toString('hex')}`;
  const group = `drawbridge-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await ensureTable(dynamo, table);
    await schedulerClient.send(new CreateScheduleGroupCommand({ Name: group }));
  });
  afterAll(() => {
    dynamo.destroy();
    ssm.destroy();
    schedulerClient.destroy();
  });

  it('DynamoDbRequestStore: create, refuse a second create, conditional update, list by state and requester', async () => {
    const store = new DynamoDbRequestStore(dynamo, table);
    const request = aRequest();
    await store.create(request);
    await expect(store.create(request)).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(store.get(request.id)).resolves.toEqual(request);

    const event = anEvent(
      { at: isoAfter(60), type: 'approved', from: 'requested', to: 'approved' },
      request.events,
    );
    const approved = {
      ...request,
      state: 'approved' as const,
      version: 2,
      events: [...request.events, event],
    };
    await store.update(approved, request.events.length);
    // The same version again is a lost race: the condition on `version` holds on moto as on DynamoDB, and
    // the failed condition answers with the winner's item (ALL_OLD), so the loser need not read it back.
    const lost = await store.update(approved, request.events.length).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(ConcurrentChangeError);
    expect((lost as ConcurrentChangeError).winner).toEqual(approved);

    await expect(store.get(request.id)).resolves.toEqual(approved);
    expect((await store.listByState('approved')).map((r) => r.id)).toEqual([request.id]);
    expect((await store.listByState('requested')).map((r) => r.id)).toEqual([]);
    expect((await store.listByRequester(request.requester.slackUserId)).map((r) => r.id)).toEqual([
      request.id,
    ]);
  });

  it('DynamoDbOwnershipLedger: intended, created, then released; listed as unreleased until then', async () => {
    const ledger = new DynamoDbOwnershipLedger(dynamo, table);
    const owned = { kind: 'bastion' as const, target: 'orders' };
    await ledger.intend(owned, 'r-ledgeraaaa');
    await ledger.mark(owned, 'r-ledgeraaaa', 'created');
    expect((await ledger.listUnreleased()).map((r) => [r.requestId, r.state])).toEqual([
      ['r-ledgeraaaa', 'created'],
    ]);
    await ledger.mark(owned, 'r-ledgeraaaa', 'released');
    expect(await ledger.listUnreleased()).toEqual([]);
    await expect(ledger.get(owned, 'r-ledgeraaaa')).resolves.toMatchObject({ state: 'released' });
  });

  it('SsmParameters: SecureStrings come back decrypted; a missing one is named, never a value', async () => {
    await ssm.send(
      new PutParameterCommand({
        Name: '/moto/slack/bot-token',
        Value: 'xoxb-moto-secret',
        Type: 'SecureString',
      }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: '/moto/db/password', Value: 'Moto-Pass-123', Type: 'SecureString' }),
    );
    const parameters = new SsmParameters({ client: ssm });

    await expect(parameters.getMany(['/moto/slack/bot-token', '/moto/db/password'])).resolves.toEqual([
      'xoxb-moto-secret',
      'Moto-Pass-123',
    ]);
    const missing = await parameters.getMany(['/moto/db/password', '/moto/nope']).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toContain('/moto/nope');
    expect((missing as Error).message).not.toContain('Moto-Pass-123');
  });

  it('EventBridgeScheduler: creates, moves an existing schedule (conflict → update), deletes idempotently', async () => {
    const scheduler = new EventBridgeScheduler({
      client: schedulerClient,
      config: {
        group,
        targetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:drawbridge-worker`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/drawbridge-scheduler`,
        deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:drawbridge-dlq`,
        maximumRetryAttempts: 3,
        maximumEventAgeSeconds: 3600,
      },
    });
    const get = () =>
      schedulerClient.send(
        new GetScheduleCommand({ GroupName: group, Name: 'drawbridge-r-schedaaaaa-teardown' }),
      );
    const first = new Date(Date.now() + 3_600_000);
    const later = new Date(Date.now() + 7_200_000);

    await scheduler.schedule({ requestId: 'r-schedaaaaa', kind: 'teardown', at: first });
    expect((await get()).ScheduleExpression).toBe(
      `at(${new Date(Math.ceil(first.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`,
    );
    await scheduler.schedule({ requestId: 'r-schedaaaaa', kind: 'teardown', at: later });
    const moved = await get();
    expect(moved.ScheduleExpression).toBe(
      `at(${new Date(Math.ceil(later.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`,
    );
    expect(moved.Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:drawbridge-dlq` },
    });
    expect(JSON.parse(moved.Target?.Input ?? '{}')).toEqual({
      kind: 'job',
      job: { requestId: 'r-schedaaaaa', kind: 'teardown' },
    });

    await scheduler.cancel('r-schedaaaaa', 'teardown');
    await scheduler.cancel('r-schedaaaaa', 'teardown');
    await expect(get()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('EventBridgeScheduler: a missing schedule group fails the step with a DependencyError naming the schedule', async () => {
    // AWS answers ResourceNotFoundException; moto answers an HTML 500 page. Both end as the step's failure.
    const scheduler = new EventBridgeScheduler({
      client: schedulerClient,
      config: {
        group: 'no-such-group',
        targetArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:drawbridge-worker`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/drawbridge-scheduler`,
        maximumRetryAttempts: 3,
        maximumEventAgeSeconds: 3600,
      },
    });
    const failed = await scheduler
      .schedule({ requestId: 'r-schedbbbbb', kind: 'warn', at: new Date(Date.now() + 3_600_000) })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DependencyError);
    expect(failed).toMatchObject({ step: 'scheduler.create' });
    expect((failed as Error).message).toContain('drawbridge-r-schedbbbbb-warn');
  });
});
