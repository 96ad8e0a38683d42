import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { DependencyError, DrawbridgeError } from '../../domain/errors.js';
import type { MessageRef, MessageRefs, RequestMessages } from '../../domain/ports.js';

/**
 * `pk` prefix of message-ref items, beside `req#` and `dbuser#` in the same table. The items carry no GSI
 * attributes, so they appear in no index and no request query.
 */
import { MESSAGE_REFS_PREFIX } from './table-definition.js';

export { MESSAGE_REFS_PREFIX };

const refSchema = z.object({ channel: z.string().min(1), ts: z.string().min(1) });

const messagesSchema = z.object({
  approval: refSchema.exactOptional(),
  access: refSchema.exactOptional(),
});

const WHICH = ['approval', 'access'] as const satisfies readonly (keyof RequestMessages)[];

/**
 * The Slack messages of each request, one small item per request (`pk = msg#<requestId>`, attributes
 * `approval` and `access`, each `{ channel, ts }`). Kept apart from the request item so that posting a
 * message never races the request's versioned writes.
 */
export class DynamoDbMessageRefs implements MessageRefs {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent: a ref put a moment ago by another process is seen. `{}` when none was put. */
  async get(requestId: string): Promise<RequestMessages> {
    const out = await this.client
      .send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: key(requestId),
          ConsistentRead: true,
          ProjectionExpression: '#approval, #access',
          ExpressionAttributeNames: { '#approval': 'approval', '#access': 'access' },
        }),
      )
      .catch((e: unknown) => {
        throw new DependencyError('dynamodb.get-message-refs', `cannot read the messages of ${requestId}`, {
          cause: e,
        });
      });
    if (!out.Item) return {};
    const parsed = messagesSchema.safeParse(unmarshall(out.Item));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DrawbridgeError(
        'corrupt_item',
        `item ${MESSAGE_REFS_PREFIX}${requestId} is not valid message refs at ${issue?.path.join('.') ?? '(root)'}: ${issue?.message}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /** One UpdateItem that sets `which` and leaves the other ref as it is (creating the item if needed). */
  async put(requestId: string, which: keyof RequestMessages, ref: MessageRef): Promise<void> {
    if (!WHICH.includes(which)) {
      throw new DrawbridgeError('invalid_message_ref', `unknown message ref ${String(which)}`);
    }
    const valid = refSchema.safeParse(ref);
    if (!valid.success) {
      throw new DrawbridgeError(
        'invalid_message_ref',
        `the ${which} ref of ${requestId} needs a channel and a ts`,
      );
    }
    const command = new UpdateItemCommand({
      TableName: this.tableName,
      Key: key(requestId),
      UpdateExpression: 'SET #which = :ref',
      ExpressionAttributeNames: { '#which': which },
      ExpressionAttributeValues: {
        ':ref': { M: { channel: { S: valid.data.channel }, ts: { S: valid.data.ts } } },
      },
    });
    await this.client.send(command).catch((e: unknown) => {
      throw new DependencyError(
        'dynamodb.put-message-ref',
        `cannot store the ${which} message of ${requestId}`,
        {
          cause: e,
        },
      );
    });
  }
}

const key = (requestId: string) => ({ pk: { S: `${MESSAGE_REFS_PREFIX}${requestId}` } });
