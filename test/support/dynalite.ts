/**
 * One in-memory dynalite per test file, and a fresh table per test so tests never see each other's items.
 * Call `useDynalite()` at the top level of a test file.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { ensureTable } from '../../src/adapters/dynamodb/ensure-table.js';
import { type LocalDynalite, startDynalite } from '../../src/adapters/dynamodb/local-dynalite.js';

export interface TestDynalite {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  /** Create an empty request table with a unique name and return the name. */
  newTable(): Promise<string>;
}

export function useDynalite(): TestDynalite {
  let local: LocalDynalite | undefined;
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(async () => {
    await local?.close();
  });
  const started = (): LocalDynalite => {
    if (!local) throw new Error('useDynalite(): dynalite is not started yet (use it inside a test or hook)');
    return local;
  };
  return {
    get client() {
      return started().client;
    },
    get endpoint() {
      return started().endpoint;
    },
    async newTable() {
      const name = `drawbridge-test-${randomUUID()}`;
      await ensureTable(started().client, name);
      return name;
    },
  };
}
