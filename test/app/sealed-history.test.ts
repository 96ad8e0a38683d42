/**
 * Whoever can write the table but does not hold the signing key cannot edit, insert or delete an event — or
 * change any other field — unnoticed: each case writes the item directly (PutItem, as a table writer would,
 * recomputing the hash chain where that helps them) and checkHistory finds it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../src/adapters/dynamodb/dynamodb-request-store.js';
import { toItem } from '../../src/adapters/dynamodb/request-item.js';
import { KeyFileSigner, keyFileSealKey } from '../../src/adapters/signing/key-file-signer.js';
import { SealingRequestStore } from '../../src/app/sealing-store.js';
import { sealEvent } from '../../src/domain/history.js';
import { checkHistory, type SealKey, sealRequest } from '../../src/domain/seal.js';
import type { AccessRequest, RequestEvent } from '../../src/domain/types.js';
import { useDynalite } from '../support/dynalite.js';
import { anEvent, aRequest } from '../support/request-builder.js';

const db = useDynalite();
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-seal-'));
const keyPath = join(dir, 'keys', 'history.pem');
let keys: SealKey[] = [];

beforeAll(() => {
  new KeyFileSigner(keyPath);
  keys = [keyFileSealKey(keyPath) as SealKey];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A request written through the sealing store, three events long. */
async function sealed() {
  const table = await db.newTable();
  const raw = new DynamoDbRequestStore(db.client, table);
  const store = new SealingRequestStore(raw, new KeyFileSigner(keyPath));
  const created = aRequest({ events: [anEvent()] });
  await store.create(created);
  let current = (await store.get(created.id)) as AccessRequest;
  for (const type of ['approval-recorded', 'approved'] as const) {
    const next = {
      ...current,
      version: current.version + 1,
      events: [...current.events, anEvent({ type, actor: 'U0APP' }, current.events)],
    };
    await store.update(next, current.events.length);
    current = (await store.get(created.id)) as AccessRequest;
  }
  /** Write the item as it is, unsigned by us: what a table writer can do. */
  const put = async (item: AccessRequest) =>
    db.client.send(new PutItemCommand({ TableName: table, Item: toItem(item) }));
  return { raw, store, current, put };
}

/** Every hash recomputed, as a writer who knows the scheme would. */
function rechained(events: readonly RequestEvent[]): RequestEvent[] {
  const chain: RequestEvent[] = [];
  for (const { hash: _hash, ...event } of events) chain.push(sealEvent(chain, event));
  return chain;
}

describe('a sealed history', () => {
  it('verifies as written, read back from the table; the key file is 0600 in a 0700 directory', async () => {
    const { raw, current } = await sealed();
    expect(current.seal).toMatchObject({ algorithm: 'ed25519', keyId: keys[0]?.keyId });
    expect(checkHistory((await raw.get(current.id)) as AccessRequest, keys)).toEqual({ ok: true });
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
  });

  it.each([
    [
      'an edited event, its chain recomputed',
      (r: AccessRequest) => ({
        ...r,
        events: rechained(
          r.events.map((e, i) => (i === 1 ? { ...e, actor: 'U0MALLORY' } : e)) as RequestEvent[],
        ),
      }),
    ],
    [
      'an inserted event, chained in',
      (r: AccessRequest) => ({
        ...r,
        events: rechained([
          ...r.events.slice(0, 2),
          anEvent({ type: 'approval-recorded', actor: 'U0MALLORY' }),
          ...r.events.slice(2),
        ]),
      }),
    ],
    [
      'a deleted middle event, the chain recomputed',
      (r: AccessRequest) => ({
        ...r,
        events: rechained([r.events[0], r.events[2]] as RequestEvent[]),
      }),
    ],
    [
      'the last event deleted, the version put back',
      (r: AccessRequest) => ({
        ...r,
        version: r.version - 1,
        events: r.events.slice(0, -1),
      }),
    ],
    ['an edited field outside the events', (r: AccessRequest) => ({ ...r, reason: 'routine maintenance' })],
    ['another tier granted', (r: AccessRequest) => ({ ...r, tier: 'DDL' as const })],
  ])('finds %s', async (_what, tamper) => {
    const { raw, current, put } = await sealed();
    await put(tamper(current) as AccessRequest);
    const check = checkHistory((await raw.get(current.id)) as AccessRequest, keys);
    expect(check).toMatchObject({ ok: false, problem: 'signature' });
  });

  it('finds an edit that leaves the chain broken, a removed seal, a seal copied from another request, and a foreign key', async () => {
    const { raw, current, put } = await sealed();
    const other = (await sealed()).current;

    await put({
      ...current,
      events: current.events.map((e, i) => (i === 1 ? { ...e, actor: 'U0MALLORY' } : e)),
    });
    expect(checkHistory((await raw.get(current.id)) as AccessRequest, keys)).toMatchObject({
      problem: 'chain',
    });

    const { seal: _seal, ...unsigned } = current;
    await put(unsigned as AccessRequest);
    expect(checkHistory((await raw.get(current.id)) as AccessRequest, keys)).toMatchObject({
      problem: 'unsigned',
    });

    await put({ ...current, seal: other.seal as NonNullable<AccessRequest['seal']> });
    expect(checkHistory((await raw.get(current.id)) as AccessRequest, keys)).toMatchObject({
      problem: 'signature',
    });

    // Signed properly, over the edited request — with a key of the writer's own.
    const mallory = new KeyFileSigner(join(dir, 'mallory.pem'));
    await put(await sealRequest({ ...current, reason: 'routine maintenance' }, mallory));
    expect(checkHistory((await raw.get(current.id)) as AccessRequest, keys)).toMatchObject({
      problem: 'unknown-key',
    });
  });
});
