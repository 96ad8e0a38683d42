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
});
