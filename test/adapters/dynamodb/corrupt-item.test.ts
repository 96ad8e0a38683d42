import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import { indexKeys } from '../../../src/adapters/dynamodb/request-item.js';
import { DrawbridgeError } from '../../../src/domain/errors.js';
import type { AccessRequest } from '../../../src/domain/types.js';
import { useDynalite } from '../../support/dynalite.js';
import { aRequest } from '../../support/request-builder.js';

const dynalite = useDynalite();

async function storeWithRawItem(item: Record<string, unknown>): Promise<DynamoDbRequestStore> {
  const table = await dynalite.newTable();
  await dynalite.client.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  return new DynamoDbRequestStore(dynalite.client, table);
}

describe('items that are not valid requests', () => {
  it('throws corrupt_item naming the path of junk written behind the store’s back', async () => {
    const store = await storeWithRawItem({ pk: 'req#junk', state: 'on-fire', colour: 'blue' });
    const read = store.get('junk');
    await expect(read).rejects.toBeInstanceOf(DrawbridgeError);
    await expect(read).rejects.toMatchObject({
      code: 'corrupt_item',
      message: expect.stringMatching(/req#junk/),
    });
  });

  it('names a nested bad path', async () => {
    const request = aRequest();
    const event = { ...request.events[0]!, from: 'limbo' };
    const store = await storeWithRawItem({ ...toItemValues(request), events: [event] });
    await expect(store.get(request.id)).rejects.toMatchObject({
      code: 'corrupt_item',
      message: expect.stringContaining('events.0.from'),
    });
  });

  it('refuses an item whose state lacks what that state guarantees (live access without its bastion)', async () => {
    const { bastion: _b, bastionId: _i, account: _a, ...withoutAccess } = aRequest({ state: 'active' });
    const store = await storeWithRawItem(toItemValues({ ...withoutAccess, state: 'requested' }));
    const raw = await storeWithRawItem({
      ...toItemValues({ ...withoutAccess, state: 'requested' }),
      state: 'active',
    });
    await expect(store.get(withoutAccess.id)).resolves.toMatchObject({ state: 'requested' });
    await expect(raw.get(withoutAccess.id)).rejects.toMatchObject({
      code: 'corrupt_item',
      message: `item req#${withoutAccess.id} is active without bastionId, bastion, account`,
    });
  });

  it('refuses an item whose id does not match its key', async () => {
    const request = aRequest();
    const store = await storeWithRawItem({ ...toItemValues(request), id: 'someone-else' });
    await expect(store.get(request.id)).rejects.toMatchObject({
      code: 'corrupt_item',
      message: expect.stringContaining('at id'),
    });
  });

  it('fails a listing that meets a corrupt item rather than hiding it', async () => {
    const request = aRequest();
    const store = await storeWithRawItem({ ...toItemValues(request), version: 'two' });
    await expect(store.listAll()).rejects.toMatchObject({
      code: 'corrupt_item',
      message: expect.stringContaining('version'),
    });
    await expect(store.listByState(request.state)).rejects.toMatchObject({ code: 'corrupt_item' });
  });
});

/** A valid request item as plain values, to be damaged by the test. */
function toItemValues(request: AccessRequest): Record<string, unknown> {
  return { ...request, ...indexKeys(request) };
}
