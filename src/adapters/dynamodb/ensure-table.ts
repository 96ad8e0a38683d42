import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../domain/errors.js';
import { REQUEST_TABLE_DEFINITION } from './table-definition.js';

export interface EnsureTableOptions {
  /** How long to wait for the table and its indexes to become ACTIVE. */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Create the request table if it does not exist, then wait until it and both GSIs are ACTIVE.
 * For local mode and tests only: in AWS the CDK stack owns the table. Safe to call concurrently.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 100;
  try {
    if (!(await describe(client, tableName))) {
      await client.send(new CreateTableCommand({ TableName: tableName, ...REQUEST_TABLE_DEFINITION }));
    }
  } catch (e) {
    // Somebody else created it between our describe and create: fine, wait for it below.
    if (!(e instanceof ResourceInUseException)) {
      throw new DependencyError('dynamodb.create-table', `cannot create table ${tableName}`, { cause: e });
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describe(client, tableName).catch((e: unknown) => {
      throw new DependencyError('dynamodb.describe-table', `cannot describe table ${tableName}`, {
        cause: e,
      });
    });
    if (table && isActive(table)) return;
    if (Date.now() >= deadline) {
      throw new DependencyError('dynamodb.wait-table', `table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
}

function isActive(table: TableDescription): boolean {
  return (
    table.TableStatus === 'ACTIVE' &&
    (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE')
  );
}
