import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import { ensureTable } from '../../../src/adapters/dynamodb/ensure-table.js';
import { type LocalDynalite, startDynalite } from '../../../src/adapters/dynamodb/local-dynalite.js';
import { aRequest } from '../../support/request-builder.js';

const opened: LocalDynalite[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const local of opened.splice(0)) await local.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startDynalite>[0] = {}): Promise<LocalDynalite> {
  const local = await startDynalite(options);
  opened.push(local);
  return local;
}

describe('startDynalite', () => {
  it('serves on a loopback port of its own', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a?.endpoint).not.toBe(b?.endpoint);
  });

  it('keeps requests on disk across a restart when given a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drawbridge-dynalite-'));
    dirs.push(dir);
    const request = aRequest();

    const first = await startDynalite({ path: dir });
    await ensureTable(first.client, 'requests');
    await new DynamoDbRequestStore(first.client, 'requests').create(request);
    await first.close();

    const second = await start({ path: dir });
    await ensureTable(second.client, 'requests');
    await expect(new DynamoDbRequestStore(second.client, 'requests').get(request.id)).resolves.toEqual(
      request,
    );
  });

  it('refuses a store on disk that is already open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drawbridge-dynalite-'));
    dirs.push(dir);
    const first = await start({ path: dir });
    await ensureTable(first.client, 'requests');
    await expect(startDynalite({ path: dir })).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'dynalite.start',
    });
  });

  it('forgets everything when in memory', async () => {
    const first = await startDynalite();
    await ensureTable(first.client, 'requests');
    await first.close();
    const second = await start();
    await expect(
      second.client.send(new DescribeTableCommand({ TableName: 'requests' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

/** The AbstractLevel class of the abstract-level copy dynalite loads: every open iterator is attached to it. */
function dynaliteAbstractLevel(): {
  prototype: Record<'attachResource' | 'detachResource', (r: unknown) => void>;
} {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('memory-level'));
  return fromLevel('abstract-level').AbstractLevel;
}

describe('the local store under many queries', () => {
  // dynalite closed a Query's iterator with `return()`, which abstract-level 3 iterators lack: each Query
  // left one open, pinning the store's memory (the soak's RSS grew ~0.8 MB per lifecycle).
  it.each(['in memory', 'on disk'])('leaves no iterator open after each Query (%s)', async (where) => {
    const dir = await mkdtemp(join(tmpdir(), 'drawbridge-dynalite-'));
    dirs.push(dir);
    const local = await start(where === 'on disk' ? { path: dir } : {});
    await ensureTable(local.client, 'requests');
    const store = new DynamoDbRequestStore(local.client, 'requests');
    const request = aRequest();
    await store.create(request);

    const { prototype } = dynaliteAbstractLevel();
    const open = new Set<unknown>();
    const realAttach = prototype.attachResource;
    const realDetach = prototype.detachResource;
    let attached = 0;
    prototype.attachResource = function (this: unknown, r: unknown) {
      attached++;
      open.add(r);
      return realAttach.call(this, r);
    };
    prototype.detachResource = function (this: unknown, r: unknown) {
      open.delete(r);
      return realDetach.call(this, r);
    };
    try {
      for (let i = 0; i < 20; i++) {
        await expect(store.listByRequester(request.requester.slackUserId)).resolves.toHaveLength(1);
      }
    } finally {
      prototype.attachResource = realAttach;
      prototype.detachResource = realDetach;
    }
    expect(attached).toBeGreaterThanOrEqual(20);
    expect(open.size).toBe(0);
  });
});

describe('ensureTable', () => {
  it('waits until the table and both indexes are ACTIVE, and is idempotent', async () => {
    const local = await start({ createTableMs: 300 });
    await Promise.all([ensureTable(local.client, 'requests'), ensureTable(local.client, 'requests')]);
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: 'requests' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus]).sort()).toEqual([
      ['byRequester', 'ACTIVE'],
      ['byState', 'ACTIVE'],
    ]);
    await ensureTable(local.client, 'requests');
  });

  it('gives up with a DependencyError when the table does not become ACTIVE in time', async () => {
    const local = await start({ createTableMs: 5_000 });
    await expect(
      ensureTable(local.client, 'slow-table', { timeoutMs: 200, pollMs: 50 }),
    ).rejects.toMatchObject({
      code: 'dependency_failed',
      step: 'dynamodb.wait-table',
    });
  });
});
