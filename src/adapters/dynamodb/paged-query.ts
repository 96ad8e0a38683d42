import { type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../domain/errors.js';
import type { Item } from './request-item.js';

/**
 * Page through a Query until it is exhausted or `max` items are collected. `pageSize` is each page's
 * `Limit` (DynamoDB also stops a page at 1 MB); small values exercise paging in tests.
 */
export async function pagedQuery(
  client: DynamoDBClient,
  tableName: string,
  step: string,
  input: Omit<QueryCommandInput, 'TableName'>,
  pageSize: number | undefined,
  max = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const limit = Math.min(pageSize ?? Number.POSITIVE_INFINITY, max - items.length);
    const command = new QueryCommand({
      ...input,
      TableName: tableName,
      ...(Number.isFinite(limit) ? { Limit: limit } : {}),
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const out = await client.send(command).catch((e: unknown) => {
      throw new DependencyError(`dynamodb.${step}`, `query on ${input.IndexName} failed`, { cause: e });
    });
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < max);
  return items;
}
