import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbOwnershipLedger } from '../../../src/adapters/dynamodb/dynamodb-ownership-ledger.js';
import { DynamoDbSeenKeys } from '../../../src/adapters/dynamodb/dynamodb-seen-keys.js';
import { toItem } from '../../../src/adapters/dynamodb/request-item.js';
import { TTL_ATTRIBUTE } from '../../../src/adapters/dynamodb/table-definition.js';
import { MutableClock } from '../../fakes/harness.js';
import { useDynalite } from '../../support/dynalite.js';
import { aRequest } from '../../support/request-builder.js';

const dynalite = useDynalite();

describe('DynamoDbSeenKeys', () => {
  it('says yes once per key until its deadline, then yes again', async () => {
    const clock = new MutableClock();
    const seen = new DynamoDbSeenKeys(dynalite.client, await dynalite.newTable(), { clock });
    const until = new Date(clock.now().getTime() + 360_000);
    expect(await seen.firstSight('v0=abc', until)).toBe(true);
    expect(await seen.firstSight('v0=abc', until)).toBe(false);
    expect(await seen.firstSight('v0=def', until)).toBe(true);
    clock.advance(361);
    expect(await seen.firstSight('v0=abc', new Date(clock.now().getTime() + 360_000))).toBe(true);
  });

  it('only seen keys carry the TTL attribute: requests and ownership records never expire', async () => {
    const table = await dynalite.newTable();
    await new DynamoDbSeenKeys(dynalite.client, table).firstSight('v0=ttl', new Date(Date.now() + 60_000));
    const { Item } = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'seen#v0=ttl' } } }),
    );
    expect(Item?.[TTL_ATTRIBUTE]?.N).toMatch(/^\d+$/);

    expect(toItem(aRequest())).not.toHaveProperty(TTL_ATTRIBUTE);
    const ledger = new DynamoDbOwnershipLedger(dynalite.client, table);
    await ledger.intend({ kind: 'bastion', target: 't' }, 'r-1');
    const owned = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'own#bastion#r-1' } } }),
    );
    expect(owned.Item).toBeDefined();
    expect(owned.Item).not.toHaveProperty(TTL_ATTRIBUTE);
  });
});
