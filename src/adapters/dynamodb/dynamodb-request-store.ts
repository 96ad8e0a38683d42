import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AlreadyExistsError, ConcurrentChangeError, DependencyError } from '../../domain/errors.js';
import type { Clock, DueRange, RequestStore } from '../../domain/ports.js';
import type { AccessRequest, RequestState } from '../../domain/types.js';
import { pagedQuery } from './paged-query.js';
import { fromItem, type Item, requestKey, toAttributes, toItem } from './request-item.js';
import { buildRequestUpdate } from './request-update.js';
import {
  BY_REQUESTER_INDEX,
  BY_STATE_INDEX,
  DB_USER_PARTITION,
  DB_USER_PREFIX,
  REQUEST_PREFIX,
} from './table-definition.js';

export interface DynamoDbRequestStoreOptions {
  /** Stamps `claimedAt` on name claims. */
  clock?: Clock;
  /** `Limit` of each Query/Scan page (DynamoDB also stops a page at 1 MB); small values exercise paging. */
  pageSize?: number;
}

/**
 * The approval log on one DynamoDB table (see table-definition.ts). Every write is a single-item
 * conditional write, so it works on dynalite (no transactions) and a retried write changes nothing twice.
 */
export class DynamoDbRequestStore implements RequestStore {
  private readonly clock: Clock;
  private readonly pageSize: number | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbRequestStoreOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.pageSize = options.pageSize;
  }

  async create(request: AccessRequest): Promise<void> {
    const command = new PutItemCommand({
      TableName: this.tableName,
      Item: toItem(request),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    try {
      await this.client.send(command);
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) {
        throw new AlreadyExistsError(`request ${request.id}`, { cause: e });
      }
      throw new DependencyError('dynamodb.create-request', `cannot create request ${request.id}`, {
        cause: e,
      });
    }
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    const command = new GetItemCommand({
      TableName: this.tableName,
      Key: requestKey(id),
      ConsistentRead: true,
    });
    const out = await this.client.send(command).catch((e: unknown) => {
      throw new DependencyError('dynamodb.get-request', `cannot read request ${id}`, { cause: e });
    });
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async update(next: AccessRequest, appendedFrom: number): Promise<void> {
    const command = new UpdateItemCommand(buildRequestUpdate(this.tableName, next, appendedFrom));
    try {
      await this.client.send(command);
    } catch (e) {
      // Also the answer when the item does not exist: there is no version to match.
      if (e instanceof ConditionalCheckFailedException) {
        throw new ConcurrentChangeError<AccessRequest>(next.id, {
          cause: e,
          winner: e.Item ? fromItem(e.Item as Item) : undefined,
        });
      }
      throw new DependencyError('dynamodb.update-request', `cannot update request ${next.id}`, { cause: e });
    }
  }

  async listByRequester(slackUserId: string, limit = 50): Promise<AccessRequest[]> {
    if (limit <= 0) return [];
    const items = await this.query(
      'list-by-requester',
      {
        IndexName: BY_REQUESTER_INDEX,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':pk': { S: `requester#${slackUserId}` } },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(fromItem);
  }

  /**
   * With `dueBefore`, only requests whose index sort key (`dueAt`, or `requestedAt` when there is no
   * `dueAt`) is at or before it. GSIs are eventually consistent in AWS: a request that just changed
   * state may be missing or still listed under its old state, so callers re-read with `get`.
   */
  async listByState(state: RequestState, due: DueRange = {}): Promise<AccessRequest[]> {
    const { after, before } = due;
    const range =
      after && before
        ? ' AND #sk BETWEEN :after AND :before'
        : after
          ? ' AND #sk >= :after'
          : before
            ? ' AND #sk <= :before'
            : '';
    const items = await this.query('list-by-state', {
      IndexName: BY_STATE_INDEX,
      KeyConditionExpression: `#pk = :pk${range}`,
      ExpressionAttributeNames: range ? { '#pk': 'gsi2pk', '#sk': 'gsi2sk' } : { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: {
        ':pk': { S: `state#${state}` },
        ...(after ? { ':after': { S: after.toISOString() } } : {}),
        ...(before ? { ':before': { S: before.toISOString() } } : {}),
      },
    });
    return items.map(fromItem);
  }

  /** The first claim's `claimedAt` is kept: the same user claiming again changes nothing. */
  async claimDbUserName(name: string, slackUserId: string): Promise<boolean> {
    const command = new UpdateItemCommand({
      TableName: this.tableName,
      Key: { pk: { S: `${DB_USER_PREFIX}${name}` } },
      UpdateExpression: 'SET #user = :user, #at = if_not_exists(#at, :now), #gpk = :gpk, #gsk = :name',
      ConditionExpression: 'attribute_not_exists(#pk) OR #user = :user',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#user': 'slackUserId',
        '#at': 'claimedAt',
        '#gpk': 'gsi2pk',
        '#gsk': 'gsi2sk',
      },
      ExpressionAttributeValues: toAttributes(
        {
          ':user': slackUserId,
          ':now': this.clock.now().toISOString(),
          ':gpk': DB_USER_PARTITION,
          ':name': name,
        },
        `claim of ${name}`,
      ),
    });
    try {
      await this.client.send(command);
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw new DependencyError('dynamodb.claim-db-user', `cannot claim database user ${name}`, { cause: e });
    }
  }

  async listDbUserNames(): Promise<string[]> {
    const items = await this.query('list-db-users', {
      IndexName: BY_STATE_INDEX,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#sk',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: { ':pk': { S: DB_USER_PARTITION } },
    });
    return items.flatMap((item) => (item.gsi2sk?.S === undefined ? [] : [item.gsi2sk.S]));
  }

  /** Every request, in no particular order (a paged Scan: for `drawbridge audit`, not for hot paths). */
  async listAll(): Promise<AccessRequest[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const command = new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'begins_with(#pk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':prefix': { S: REQUEST_PREFIX } },
        ConsistentRead: true,
        ...(this.pageSize ? { Limit: this.pageSize } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      const out = await this.client.send(command).catch((e: unknown) => {
        throw new DependencyError('dynamodb.list-all', 'cannot scan requests', { cause: e });
      });
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map(fromItem);
  }

  private query(
    step: string,
    input: Omit<QueryCommandInput, 'TableName'>,
    max = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    return pagedQuery(this.client, this.tableName, step, input, this.pageSize, max);
  }
}
