import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { DependencyError, DrawbridgeError } from '../../domain/errors.js';
import {
  type Owned,
  type OwnershipRecord,
  type OwnershipState,
  ownershipKey,
} from '../../domain/ownership.js';
import type { Clock, OwnershipLedger } from '../../domain/ports.js';
import { pagedQuery } from './paged-query.js';
import { toAttributes } from './request-item.js';
import { BY_STATE_INDEX, OWNED_PARTITION, OWNERSHIP_PREFIX } from './table-definition.js';

const timestamp = z.iso.datetime();
const state = z.enum(['intended', 'created', 'locked', 'released']);

const itemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('account'),
    target: z.string().min(1),
    user: z.string().min(1),
    host: z.string().min(1),
    requestId: z.string().min(1),
    state,
    recordedAt: timestamp,
    updatedAt: timestamp,
    note: z.string().exactOptional(),
  }),
  z.object({
    kind: z.literal('bastion'),
    target: z.string().min(1),
    bastionId: z.string().min(1).exactOptional(),
    requestId: z.string().min(1),
    state,
    recordedAt: timestamp,
    updatedAt: timestamp,
    note: z.string().exactOptional(),
  }),
]);

/**
 * The ownership ledger in the requests' table: one item per account (`own#account#<target>#<user>@<host>`)
 * and per bastion (`own#bastion#<requestId>`). Records not yet released sit in one partition of the
 * `byState` index (`gsi2pk = owned`), the sweeper's worklist; releasing takes a record out of it and keeps the
 * item for the security review. Single-item conditional writes only.
 */
export class DynamoDbOwnershipLedger implements OwnershipLedger {
  private readonly clock: Clock;
  private readonly pageSize: number | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: { clock?: Clock; pageSize?: number } = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.pageSize = options.pageSize;
  }

  async intend(owned: Owned, requestId: string): Promise<OwnershipRecord> {
    const now = this.clock.now().toISOString();
    const record: OwnershipRecord = { owned, requestId, state: 'intended', recordedAt: now, updatedAt: now };
    const key = ownershipKey(owned, requestId);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(
            { pk: `${OWNERSHIP_PREFIX}${key}`, ...flatten(record), ...unreleased(record, key) },
            `ownership record ${key}`,
          ),
          // Free, or released by whoever held it: a released account may be made again.
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :released',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':released': { S: 'released' } },
        }),
      );
      return record;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw failure('intend', key, e);
    }
    const held = await this.get(owned, requestId);
    if (!held) throw new DependencyError('dynamodb.ownership', `record ${key} vanished while recording it`);
    return held;
  }

  async mark(owned: Owned, requestId: string, next: OwnershipState, note?: string): Promise<void> {
    const key = ownershipKey(owned, requestId);
    const sets = ['#state = :state', '#updatedAt = :now'];
    const values: Record<string, unknown> = {
      ':state': next,
      ':now': this.clock.now().toISOString(),
      ':request': requestId,
    };
    const names: Record<string, string> = {
      '#state': 'state',
      '#updatedAt': 'updatedAt',
      '#requestId': 'requestId',
    };
    if (note !== undefined) {
      sets.push('#note = :note');
      names['#note'] = 'note';
      values[':note'] = note;
    }
    if (owned.kind === 'bastion' && owned.bastionId) {
      sets.push('#bastionId = :bastionId');
      names['#bastionId'] = 'bastionId';
      values[':bastionId'] = owned.bastionId;
    }
    const remove = next === 'released' ? ' REMOVE gsi2pk, gsi2sk' : '';
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `${OWNERSHIP_PREFIX}${key}` } },
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: '#requestId = :request',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: toAttributes(values, `ownership record ${key}`),
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) {
        throw new DrawbridgeError('not_owner', `ownership record ${key} is not request ${requestId}'s`, {
          cause: e,
        });
      }
      throw failure('mark', key, e);
    }
  }

  async get(owned: Owned, requestId: string): Promise<OwnershipRecord | undefined> {
    const key = ownershipKey(owned, requestId);
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `${OWNERSHIP_PREFIX}${key}` } },
          ConsistentRead: true,
        }),
      )
      .catch((e: unknown) => {
        throw failure('get', key, e);
      });
    return out.Item ? recordOf(unmarshall(out.Item)) : undefined;
  }

  async listUnreleased(): Promise<OwnershipRecord[]> {
    const items = await pagedQuery(
      this.client,
      this.tableName,
      'list-owned',
      {
        IndexName: BY_STATE_INDEX,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'gsi2pk' },
        ExpressionAttributeValues: { ':pk': { S: OWNED_PARTITION } },
      },
      this.pageSize,
    );
    return items.map((item) => recordOf(unmarshall(item)));
  }
}

function flatten(record: OwnershipRecord): Record<string, unknown> {
  const { owned, ...rest } = record;
  return owned.kind === 'account'
    ? { kind: 'account', target: owned.target, user: owned.account.user, host: owned.account.host, ...rest }
    : { kind: 'bastion', target: owned.target, bastionId: owned.bastionId, ...rest };
}

const unreleased = (record: OwnershipRecord, key: string) => ({
  gsi2pk: OWNED_PARTITION,
  gsi2sk: `${record.recordedAt}#${key}`,
});

function recordOf(raw: Record<string, unknown>): OwnershipRecord {
  const parsed = itemSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DrawbridgeError(
      'corrupt_item',
      `item ${String(raw.pk)} is not a valid ownership record at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      { cause: parsed.error },
    );
  }
  const { target, requestId, state, recordedAt, updatedAt, note } = parsed.data;
  const owned: Owned =
    parsed.data.kind === 'account'
      ? { kind: 'account', target, account: { user: parsed.data.user, host: parsed.data.host } }
      : {
          kind: 'bastion',
          target,
          ...(parsed.data.bastionId === undefined ? {} : { bastionId: parsed.data.bastionId }),
        };
  return { owned, requestId, state, recordedAt, updatedAt, ...(note === undefined ? {} : { note }) };
}

const failure = (what: string, key: string, e: unknown) =>
  new DependencyError(`dynamodb.ownership-${what}`, `cannot ${what} ownership record ${key}`, { cause: e });
