import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import type { AccessRequest } from '../../../src/domain/types.js';
import { useDynalite } from '../../support/dynalite.js';
import { anEvent, aRequest, isoAfter } from '../../support/request-builder.js';

const dynalite = useDynalite();

async function newStore(pageSize?: number): Promise<{ store: DynamoDbRequestStore; table: string }> {
  const table = await dynalite.newTable();
  const store = new DynamoDbRequestStore(dynalite.client, table, pageSize ? { pageSize } : {});
  return { store, table };
}

const ids = (requests: readonly AccessRequest[]): string[] => requests.map((r) => r.id);

describe('listByRequester', () => {
  it('lists only that user’s requests, newest first, up to the limit', async () => {
    const { store } = await newStore(2);
    const mine = [5, 1, 3, 2, 4].map((minute) =>
      aRequest({
        requestedAt: isoAfter(minute * 60),
        requester: { slackUserId: 'UMINE', email: 'm@x.io', dbUser: 'm' },
      }),
    );
    const theirs = aRequest({ requester: { slackUserId: 'UOTHER', email: 'o@x.io', dbUser: 'o' } });
    for (const request of [...mine, theirs]) await store.create(request);

    const newestFirst = [...mine].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    await expect(store.listByRequester('UMINE')).resolves.toEqual(newestFirst);
    expect(ids(await store.listByRequester('UMINE', 3))).toEqual(ids(newestFirst.slice(0, 3)));
    await expect(store.listByRequester('UMINE', 0)).resolves.toEqual([]);
    await expect(store.listByRequester('UNOBODY')).resolves.toEqual([]);
  });
});

describe('listByState', () => {
  it('lists every request in a state, across pages', async () => {
    const { store } = await newStore(2);
    const active = [1, 2, 3, 4, 5].map((n) => aRequest({ state: 'active', dueAt: isoAfter(n * 60) }));
    for (const request of [...active, aRequest({ state: 'ended' })]) await store.create(request);
    expect(ids(await store.listByState('active')).sort()).toEqual(ids(active).sort());
    await expect(store.listByState('warned')).resolves.toEqual([]);
  });

  it('with a due range keeps requests due within it, both ends included (requestedAt stands in for a missing dueAt)', async () => {
    const { store } = await newStore();
    const early = aRequest({ state: 'active', dueAt: isoAfter(60) });
    const exactly = aRequest({ state: 'active', dueAt: isoAfter(120) });
    const late = aRequest({ state: 'active', dueAt: isoAfter(180) });
    const unscheduled = aRequest({ state: 'active', requestedAt: isoAfter(0) });
    for (const request of [early, exactly, late, unscheduled]) await store.create(request);

    const due = await store.listByState('active', { before: new Date(isoAfter(120)) });
    expect(ids(due).sort()).toEqual(ids([early, exactly, unscheduled]).sort());
    await expect(store.listByState('active', { before: new Date(isoAfter(-1)) })).resolves.toEqual([]);
    const since = await store.listByState('active', { after: new Date(isoAfter(120)) });
    expect(ids(since).sort()).toEqual(ids([exactly, late]).sort());
    const between = { after: new Date(isoAfter(60)), before: new Date(isoAfter(120)) };
    expect(ids(await store.listByState('active', between)).sort()).toEqual(ids([early, exactly]).sort());
  });

  it('moves a request between state partitions when its state changes', async () => {
    const { store } = await newStore();
    const created = aRequest({ dueAt: isoAfter(900) });
    await store.create(created);
    const approved: AccessRequest = {
      ...created,
      version: 2,
      state: 'approved',
      dueAt: isoAfter(30),
      events: [...created.events, anEvent({ from: 'requested', to: 'approved' }, created.events)],
    };
    await store.update(approved, 1);

    await expect(store.listByState('requested')).resolves.toEqual([]);
    await expect(store.listByState('approved', { before: new Date(isoAfter(30)) })).resolves.toEqual([
      approved,
    ]);
    await expect(store.listByState('approved', { before: new Date(isoAfter(29)) })).resolves.toEqual([]);
  });
});

describe('db user name claims', () => {
  it('is first come first served, idempotent for the holder, and listed', async () => {
    let now = new Date(isoAfter(0));
    const table = await dynalite.newTable();
    const store = new DynamoDbRequestStore(dynalite.client, table, {
      clock: { now: () => now },
      pageSize: 1,
    });

    await expect(store.claimDbUserName('ada', 'UADA')).resolves.toBe(true);
    now = new Date(isoAfter(3600));
    await expect(store.claimDbUserName('ada', 'UADA')).resolves.toBe(true);
    await expect(store.claimDbUserName('ada', 'UEVE')).resolves.toBe(false);
    await expect(store.claimDbUserName('eve', 'UEVE')).resolves.toBe(true);

    await expect(store.listDbUserNames()).resolves.toEqual(['ada', 'eve']);
    const raw = await dynalite.client.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'dbuser#ada' } }, ConsistentRead: true }),
    );
    expect(raw.Item?.slackUserId).toEqual({ S: 'UADA' });
    expect(raw.Item?.claimedAt).toEqual({ S: isoAfter(0) });
  });

  it('keeps claims out of request listings', async () => {
    const { store } = await newStore();
    const request = aRequest();
    await store.create(request);
    await store.claimDbUserName('ada', 'UADA');
    await expect(store.listAll()).resolves.toEqual([request]);
    await expect(store.listDbUserNames()).resolves.toEqual(['ada']);
  });
});

describe('listAll', () => {
  it('returns every request across scan pages', async () => {
    const { store } = await newStore(2);
    const requests = [1, 2, 3, 4, 5].map(() => aRequest());
    for (const request of requests) await store.create(request);
    for (const n of [1, 2, 3]) await store.claimDbUserName(`user${n}`, `U${n}`);
    const all = await store.listAll();
    expect(ids(all).sort()).toEqual(ids(requests).sort());
  });
});
