import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../../src/adapters/dynamodb/dynamodb-request-store.js';
import { useDynalite } from '../../support/dynalite.js';
import { accessRequestArbitrary } from './access-request-arbitrary.js';

const dynalite = useDynalite();

describe('storage round trip', () => {
  it('returns any valid request unchanged after create → get', async () => {
    const store = new DynamoDbRequestStore(dynalite.client, await dynalite.newTable());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(accessRequestArbitrary, async (generated) => {
        // Shrinking replays similar values: a fresh id per run keeps create from colliding.
        run += 1;
        const request = { ...generated, id: `${generated.id}#${run}` };
        await store.create(request);
        expect(await store.get(request.id)).toEqual(request);
      }),
      { numRuns: 150 },
    );
  });

  it('stores any next version exactly: attributes set or removed, events appended', async () => {
    const store = new DynamoDbRequestStore(dynalite.client, await dynalite.newTable());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(accessRequestArbitrary, accessRequestArbitrary, async (before, after) => {
        run += 1;
        const created = { ...before, id: `${before.id}#${run}` };
        await store.create(created);
        const next = {
          ...after,
          id: created.id,
          version: created.version + 1,
          events: [...created.events, ...after.events],
        };
        await store.update(next, created.events.length);
        expect(await store.get(created.id)).toEqual(next);
      }),
      { numRuns: 100 },
    );
  });
});
