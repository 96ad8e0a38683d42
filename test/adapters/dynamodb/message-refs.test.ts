import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoDbMessageRefs,
  MESSAGE_REFS_PREFIX,
} from '../../../src/adapters/dynamodb/dynamodb-message-refs.js';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import { useDynalite } from '../../support/dynalite.js';
import { aRequest } from '../../support/request-builder.js';

const dynalite = useDynalite();

async function newRefs(): Promise<{ refs: DynamoDbMessageRefs; table: string }> {
  const table = await dynalite.newTable();
  return { refs: new DynamoDbMessageRefs(dynalite.client, table), table };
}

const approval = { channel: 'C0APPROVAL', ts: '1700000000.000100' };
const access = { channel: 'DU123REQ', ts: '1700000000.000200' };

describe('DynamoDbMessageRefs', () => {
  it('returns no refs for a request nothing was posted for', async () => {
    const { refs } = await newRefs();
    await expect(refs.get('req-none')).resolves.toEqual({});
  });

  it('keeps one ref when the other is put', async () => {
    const { refs } = await newRefs();
    await refs.put('req-1', 'approval', approval);
    await expect(refs.get('req-1')).resolves.toEqual({ approval });
    await refs.put('req-1', 'access', access);
    await expect(refs.get('req-1')).resolves.toEqual({ approval, access });
  });

  it('replaces a ref put again', async () => {
    const { refs } = await newRefs();
    await refs.put('req-1', 'approval', approval);
    await refs.put('req-1', 'access', access);
    const moved = { channel: 'C0OTHER', ts: '1700000001.000100' };
    await refs.put('req-1', 'approval', moved);
    await expect(refs.get('req-1')).resolves.toEqual({ approval: moved, access });
  });

  it('keeps the refs of different requests apart', async () => {
    const { refs } = await newRefs();
    await refs.put('req-1', 'approval', approval);
    await refs.put('req-2', 'access', access);
    await expect(refs.get('req-1')).resolves.toEqual({ approval });
    await expect(refs.get('req-2')).resolves.toEqual({ access });
  });

  it('keeps both refs when they are put concurrently', async () => {
    const { refs } = await newRefs();
    await Promise.all([refs.put('req-1', 'approval', approval), refs.put('req-1', 'access', access)]);
    await expect(refs.get('req-1')).resolves.toEqual({ approval, access });
  });

  it('stores exactly the ref under msg#<requestId>, nothing that a request query would pick up', async () => {
    const { refs, table } = await newRefs();
    await refs.put('req-1', 'approval', approval);
    const out = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: `${MESSAGE_REFS_PREFIX}req-1` } } }),
    );
    expect(out.Item).toEqual({
      pk: { S: 'msg#req-1' },
      approval: { M: { channel: { S: approval.channel }, ts: { S: approval.ts } } },
    });
  });

  it('lives beside requests without disturbing them', async () => {
    const { refs, table } = await newRefs();
    const store = new DynamoDbRequestStore(dynalite.client, table);
    const request = aRequest();
    await store.create(request);
    await refs.put(request.id, 'approval', approval);
    await expect(store.get(request.id)).resolves.toEqual(request);
    await expect(store.listAll()).resolves.toEqual([request]);
    await expect(store.listByState('requested')).resolves.toEqual([request]);
    await expect(refs.get(request.id)).resolves.toEqual({ approval });
  });

  it('refuses a ref without a channel or ts, and writes nothing', async () => {
    const { refs } = await newRefs();
    await expect(refs.put('req-1', 'approval', { channel: '', ts: '1.2' })).rejects.toMatchObject({
      code: 'invalid_message_ref',
    });
    await expect(refs.get('req-1')).resolves.toEqual({});
  });

  it('reports an item that is not a valid ref as corrupt, naming the path', async () => {
    const { refs, table } = await newRefs();
    await dynalite.client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'msg#req-1' }, approval: { M: { channel: { S: 'C1' } } } },
      }),
    );
    await expect(refs.get('req-1')).rejects.toMatchObject({
      code: 'corrupt_item',
      message: expect.stringContaining('approval.ts'),
    });
  });

  it('wraps infrastructure failures in a DependencyError', async () => {
    const refs = new DynamoDbMessageRefs(dynalite.client, 'no-such-table');
    await expect(refs.get('req-1')).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'dynamodb.get-message-refs',
    });
    await expect(refs.put('req-1', 'access', access)).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'dynamodb.put-message-ref',
    });
  });
});
