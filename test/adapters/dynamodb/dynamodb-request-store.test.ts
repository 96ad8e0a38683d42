import { describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import { AlreadyExistsError, ConcurrentChangeError, DependencyError } from '../../../src/domain/errors.js';
import type { AccessRequest, EventType, RequestState, StoredRequest } from '../../../src/domain/types.js';
import { useDynalite } from '../../support/dynalite.js';
import { aFullRequest, anEvent, aRequest, isoAfter, withGuarantees } from '../../support/request-builder.js';

const dynalite = useDynalite();

async function newStore(): Promise<DynamoDbRequestStore> {
  return new DynamoDbRequestStore(dynalite.client, await dynalite.newTable());
}

/** An event type that leads to each state (the history holds only the types the domain knows). */
const EVENT_FOR: Record<RequestState, EventType> = {
  requested: 'requested',
  approved: 'approved',
  denied: 'denied',
  expired: 'expired',
  cancelled: 'cancelled',
  provisioning: 'provisioning-started',
  active: 'activated',
  warned: 'warned',
  ending: 'ending',
  ended: 'ended',
  failed: 'failed',
};

/** The next version of `request`: `changes` applied, one event sealed onto its history. */
function advance(request: StoredRequest, changes: Partial<StoredRequest>): AccessRequest {
  const to = changes.state ?? request.state;
  const event = anEvent(
    { at: isoAfter(request.version * 60), type: EVENT_FOR[to], from: request.state, to },
    request.events,
  );
  return withGuarantees({
    ...request,
    ...changes,
    version: request.version + 1,
    events: [...request.events, event],
  });
}

describe('DynamoDbRequestStore: create and get', () => {
  it('returns a request with every optional attribute exactly as created', async () => {
    const store = await newStore();
    const request = aFullRequest({
      events: [anEvent({ details: { nested: { list: [1, 'two', null, true] }, ip: '10.0.0.1' } })],
    });
    await store.create(request);
    await expect(store.get(request.id)).resolves.toEqual(request);
  });

  it('returns undefined for an unknown id', async () => {
    const store = await newStore();
    await expect(store.get('nope')).resolves.toBeUndefined();
  });

  it('refuses to create the same id twice and keeps the first', async () => {
    const store = await newStore();
    const first = aRequest();
    await store.create(first);
    await expect(store.create({ ...first, reason: 'second' })).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(store.get(first.id)).resolves.toEqual(first);
  });

  it('wraps infrastructure failures in a DependencyError', async () => {
    const store = new DynamoDbRequestStore(dynalite.client, 'no-such-table');
    await expect(store.get('x')).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'dynamodb.get-request',
    });
    await expect(store.create(aRequest())).rejects.toBeInstanceOf(DependencyError);
  });
});

describe('DynamoDbRequestStore: update', () => {
  it('writes the new attributes, appends the new events and bumps the version', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    const approved = advance(created, {
      state: 'approved',
      approvals: [{ by: 'U456APP', at: isoAfter(30), verdict: 'approve' }],
      dueAt: isoAfter(60),
    });
    await store.update(approved, created.events.length);
    await expect(store.get(created.id)).resolves.toEqual(approved);
  });

  it('appends only the events past appendedFrom: the stored history is never rewritten', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    const next = advance(created, { state: 'cancelled' });
    const tampered = { ...next, events: [{ ...next.events[0]!, actor: 'U666EVIL' }, next.events[1]!] };
    await store.update(tampered, 1);
    const stored = await store.get(created.id);
    expect(stored?.events).toEqual([created.events[0], next.events[1]]);
    expect(stored?.version).toBe(2);
  });

  it('accepts an update that adds no event', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    const next = { ...created, version: 2, reason: 'clarified' };
    await store.update(next, created.events.length);
    await expect(store.get(created.id)).resolves.toEqual(next);
  });

  it('rejects a stale version with ConcurrentChangeError and changes nothing', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    const v2 = advance(created, { state: 'approved' });
    await store.update(v2, 1);
    const staleV2 = advance(created, { state: 'denied' });
    await expect(store.update(staleV2, 1)).rejects.toBeInstanceOf(ConcurrentChangeError);
    const skipping = advance(v2, { state: 'provisioning', version: 4 });
    await expect(store.update({ ...skipping, version: 4 }, 2)).rejects.toBeInstanceOf(ConcurrentChangeError);
    await expect(store.get(created.id)).resolves.toEqual(v2);
  });

  it('reports a missing item as a concurrent change (there is no version to match)', async () => {
    const store = await newStore();
    const ghost = advance(aRequest(), { state: 'approved' });
    await expect(store.update(ghost, 1)).rejects.toMatchObject({ code: 'concurrent_change' });
    await expect(store.get(ghost.id)).resolves.toBeUndefined();
  });

  it('lets exactly one of two concurrent updates from the same version win', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    const approve = advance(created, { state: 'approved' });
    const deny = advance(created, { state: 'denied' });
    const results = await Promise.allSettled([store.update(approve, 1), store.update(deny, 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ConcurrentChangeError);
    const stored = await store.get(created.id);
    expect([approve, deny]).toContainEqual(stored);
    expect(stored?.events).toHaveLength(2);
  });

  it('removes the optional attributes the new version lacks', async () => {
    const store = await newStore();
    const full = aFullRequest();
    await store.create(full);
    const { pendingExtension: _p, dueAt: _d, failure: _f, ticket: _t, ...rest } = full;
    const next = advance(rest, { state: 'ending' });
    await store.update(next, full.events.length);
    const stored = await store.get(full.id);
    expect(stored).toEqual(next);
    expect(stored).not.toHaveProperty('pendingExtension');
    expect(stored).not.toHaveProperty('dueAt');
  });

  it('refuses an update whose version or appendedFrom cannot be right, without writing', async () => {
    const store = await newStore();
    const created = aRequest();
    await store.create(created);
    await expect(store.update(created, 1)).rejects.toMatchObject({ code: 'invalid_update' });
    await expect(store.update(advance(created, {}), 5)).rejects.toMatchObject({ code: 'invalid_update' });
    await expect(store.get(created.id)).resolves.toEqual(created);
  });

  it('refuses to write a request that could not be read back, naming the path', async () => {
    const store = await newStore();
    const created = aRequest();
    await expect(store.create({ ...created, requestedAt: 'yesterday' })).rejects.toMatchObject({
      code: 'unstorable_value',
      message: expect.stringContaining('requestedAt'),
    });
    await store.create(created);
    const next = advance(created, { state: 'approved' });
    await expect(store.update({ ...next, tier: 'ROOT' as never }, 1)).rejects.toMatchObject({
      code: 'unstorable_value',
      message: expect.stringContaining('tier'),
    });
    await expect(store.get(created.id)).resolves.toEqual(created);
  });

  it('refuses a value DynamoDB cannot hold exactly, with a typed error', async () => {
    const store = await newStore();
    const request = aRequest({ events: [anEvent({ details: { big: 2 ** 60 } })] });
    await expect(store.create(request)).rejects.toMatchObject({ code: 'unstorable_value' });
  });
});
