import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { DependencyError, DrawbridgeError } from '../../domain/errors.js';
import type { Notification, Outbox, OutboxEntry } from '../../domain/ports.js';
import { pagedQuery } from './paged-query.js';
import { toAttributes } from './request-item.js';
import { accessRequestSchema } from './request-schema.js';
import { BY_STATE_INDEX, OUTBOX_PARTITION, OUTBOX_PREFIX } from './table-definition.js';

const request = accessRequestSchema;
const progress = z.enum(['launching', 'reachable', 'account-ready', 'active']);

/** A notification as read back: the same union the Notifier port takes, checked like every item. */
const notificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approval-requested'), request }),
  z.object({
    kind: z.literal('decision'),
    request,
    by: z.string(),
    verdict: z.enum(['approve', 'deny']),
  }),
  z.object({ kind: z.literal('break-glass'), request }),
  z.object({ kind: z.literal('expired'), request }),
  z.object({ kind: z.literal('progress'), request, step: progress }),
  z.object({ kind: z.literal('active'), request }),
  z.object({ kind: z.literal('warning'), request }),
  z.object({ kind: z.literal('extension-requested'), request }),
  z.object({ kind: z.literal('extended'), request, seconds: z.number() }),
  z.object({
    kind: z.literal('ended'),
    request,
    removed: z.array(z.string()),
    lagging: z.array(z.string()).exactOptional(),
  }),
  z.object({ kind: z.literal('failed'), request }),
  z.object({ kind: z.literal('reviewed'), request }),
  z.object({ kind: z.literal('alert'), request: request.exactOptional(), message: z.string() }),
]);

const entrySchema = z.object({
  id: z.string().min(1),
  notification: notificationSchema,
  pending: z.array(z.string()).min(1),
  attempts: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  nextAttemptAt: z.iso.datetime(),
  lastError: z.string().exactOptional(),
});

/**
 * The outbox in the requests' table: one item per notification not yet delivered (`outbox#<id>`), in one
 * partition of the `byState` index sorted by its next attempt, so `due` is one query. A delivered entry is
 * deleted: the request's own history is the record of what happened.
 */
export class DynamoDbOutbox implements Outbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(entry: OutboxEntry): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(
            {
              pk: `${OUTBOX_PREFIX}${entry.id}`,
              ...entry,
              gsi2pk: OUTBOX_PARTITION,
              gsi2sk: `${entry.nextAttemptAt}#${entry.id}`,
            },
            `outbox entry ${entry.id}`,
          ),
        }),
      )
      .catch((e: unknown) => {
        throw new DependencyError('dynamodb.outbox-put', `cannot record notification ${entry.id}`, {
          cause: e,
        });
      });
  }

  async due(now: Date): Promise<OutboxEntry[]> {
    const items = await pagedQuery(
      this.client,
      this.tableName,
      'outbox-due',
      {
        IndexName: BY_STATE_INDEX,
        KeyConditionExpression: '#pk = :pk AND #sk <= :now',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
        ExpressionAttributeValues: { ':pk': { S: OUTBOX_PARTITION }, ':now': { S: `${now.toISOString()}~` } },
      },
      undefined,
    );
    return items.map((item) => {
      const raw = unmarshall(item);
      const key = String(raw.pk);
      for (const attribute of ['pk', 'gsi2pk', 'gsi2sk']) delete raw[attribute];
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) {
        throw new DrawbridgeError('corrupt_item', `item ${key} is not a valid outbox entry`, {
          cause: parsed.error,
        });
      }
      return parsed.data as OutboxEntry & { notification: Notification };
    });
  }

  async remove(id: string): Promise<void> {
    await this.client
      .send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: `${OUTBOX_PREFIX}${id}` } } }))
      .catch((e: unknown) => {
        throw new DependencyError('dynamodb.outbox-remove', `cannot remove notification ${id}`, { cause: e });
      });
  }
}
