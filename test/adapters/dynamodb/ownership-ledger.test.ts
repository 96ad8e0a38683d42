import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbOwnershipLedger } from '../../../src/adapters/dynamodb/dynamodb-ownership-ledger.js';
import type { Owned } from '../../../src/domain/ownership.js';
import type { OwnershipLedger } from '../../../src/domain/ports.js';
import { MutableClock } from '../../fakes/harness.js';
import { InMemoryLedger } from '../../fakes/in-memory-ledger.js';
import { useDynalite } from '../../support/dynalite.js';

const dynalite = useDynalite();

const account = (host = '10.0.1.5'): Owned => ({
  kind: 'account',
  target: 'orders',
  account: { user: 'ada', host },
});
const bastion: Owned = { kind: 'bastion', target: 'orders' };

/** The same contract, kept by the DynamoDB ledger (on dynalite) and by the in-memory one the use-case tests use. */
describe.each<[string, (clock: MutableClock) => Promise<OwnershipLedger>]>([
  [
    'DynamoDbOwnershipLedger',
    async (clock) =>
      new DynamoDbOwnershipLedger(dynalite.client, await dynalite.newTable(), { clock, pageSize: 1 }),
  ],
  ['InMemoryLedger', async (clock) => new InMemoryLedger(clock)],
])('%s', (_name, make) => {
  it('records an intent, then its progress, for the request that made it', async () => {
    const clock = new MutableClock();
    const ledger = await make(clock);
    const recorded = await ledger.intend(account(), 'r-1');
    expect(recorded).toEqual({
      owned: account(),
      requestId: 'r-1',
      state: 'intended',
      recordedAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    clock.advance(5);
    await ledger.mark(account(), 'r-1', 'created');
    expect(await ledger.get(account(), 'r-1')).toMatchObject({
      state: 'created',
      updatedAt: clock.now().toISOString(),
    });
  });

  it('an account held by one request is not another request’s to make', async () => {
    const ledger = await make(new MutableClock());
    await ledger.intend(account(), 'r-1');
    const second = await ledger.intend(account(), 'r-2');
    expect(second).toMatchObject({ requestId: 'r-1', state: 'intended' });
    await expect(ledger.mark(account(), 'r-2', 'released')).rejects.toMatchObject({ code: 'not_owner' });
    // The same request asking again gets its own record back, as it was.
    await ledger.mark(account(), 'r-1', 'created');
    expect(await ledger.intend(account(), 'r-1')).toMatchObject({ requestId: 'r-1', state: 'created' });
  });

  it('a released account may be made again, by any request', async () => {
    const ledger = await make(new MutableClock());
    await ledger.intend(account(), 'r-1');
    await ledger.mark(account(), 'r-1', 'released', 'existed before');
    expect(await ledger.intend(account(), 'r-2')).toMatchObject({ requestId: 'r-2', state: 'intended' });
  });

  it('a bastion record takes its instance id once launched', async () => {
    const ledger = await make(new MutableClock());
    await ledger.intend(bastion, 'r-1');
    await ledger.mark({ ...bastion, bastionId: 'i-0abc' }, 'r-1', 'created');
    expect(await ledger.get(bastion, 'r-1')).toMatchObject({
      owned: { kind: 'bastion', target: 'orders', bastionId: 'i-0abc' },
      state: 'created',
    });
    expect(await ledger.get(bastion, 'r-2')).toBeUndefined();
  });

  it('lists what is not released yet, across pages', async () => {
    const ledger = await make(new MutableClock());
    await ledger.intend(account('10.0.1.5'), 'r-1');
    await ledger.intend(account('10.0.1.6'), 'r-2');
    await ledger.intend(bastion, 'r-2');
    await ledger.mark(account('10.0.1.6'), 'r-2', 'locked');
    await ledger.mark(account('10.0.1.5'), 'r-1', 'released');
    const listed = await ledger.listUnreleased();
    expect(listed.map((r) => `${r.requestId}:${r.owned.kind}:${r.state}`).sort()).toEqual([
      'r-2:account:locked',
      'r-2:bastion:intended',
    ]);
  });
});

describe('DynamoDbOwnershipLedger on a bad item', () => {
  it('refuses a record that does not parse, naming the path', async () => {
    const table = await dynalite.newTable();
    const ledger = new DynamoDbOwnershipLedger(dynalite.client, table);
    await dynalite.client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'own#bastion#r-9' }, kind: { S: 'bastion' }, requestId: { S: 'r-9' } },
      }),
    );
    await expect(ledger.get(bastion, 'r-9')).rejects.toMatchObject({ code: 'corrupt_item' });
  });
});
