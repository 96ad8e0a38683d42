/**
 * The request table opened for reading only (`drawbridge audit`): no recovery, no sweep, no notifier, no
 * table creation. Through a running `serve` when there is one; else DynamoDB itself, or an on-disk dynalite
 * store (which only one process may open at a time).
 */
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { awsClientSettings } from '../adapters/aws/client-settings.js';
import { DynamoDbRequestStore } from '../adapters/dynamodb/dynamodb-request-store.js';
import { startDynalite } from '../adapters/dynamodb/local-dynalite.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import { DEFAULT_TABLE } from './local-app.js';
import type { ServeRuntime } from './serve-runtime.js';

export interface ReadOnlyStore {
  store: DynamoDbRequestStore;
  /** Where it was read, for the reader. */
  source: string;
  close(): Promise<void>;
}

export async function openReadOnlyStore(
  config: DrawbridgeConfig,
  serve: ServeRuntime | undefined,
): Promise<ReadOnlyStore | undefined> {
  const table = config.store.kind === 'dynamodb' ? config.store.table : DEFAULT_TABLE;
  if (serve?.storeEndpoint) {
    const client = new DynamoDBClient({
      endpoint: serve.storeEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return {
      store: new DynamoDbRequestStore(client, serve.table),
      source: `the running serve (pid ${serve.pid})`,
      close: async () => client.destroy(),
    };
  }
  if (config.store.kind === 'dynamodb') {
    const client = new DynamoDBClient(
      awsClientSettings(config.store.region ?? config.aws?.region, 'interactive', {
        endpoint: config.store.endpoint,
      }),
    );
    return {
      store: new DynamoDbRequestStore(client, table),
      source: `DynamoDB table ${table}`,
      close: async () => client.destroy(),
    };
  }
  if (!config.store.path) return undefined;
  const local = await startDynalite({ path: config.store.path });
  if (!(await tableExists(local.client, table))) {
    await local.close();
    return undefined;
  }
  return {
    store: new DynamoDbRequestStore(local.client, table),
    source: `the store at ${config.store.path}`,
    close: local.close,
  };
}

/** A store nothing has run against yet has no table: nothing is recorded (and reading creates nothing). */
async function tableExists(client: DynamoDBClient, table: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return false;
    throw e;
  }
}
