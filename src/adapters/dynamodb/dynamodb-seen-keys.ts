import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DependencyError } from '../../domain/errors.js';
import type { Clock, SeenKeys } from '../../domain/ports.js';
import { SEEN_PREFIX, TTL_ATTRIBUTE } from './table-definition.js';

/**
 * Seen keys in the requests' table (`seen#<key>`), one conditional put each: the first writer wins, and a
 * sighting past its deadline counts as none. DynamoDB's TTL removes old items some time after their
 * deadline; correctness never waits for it, since the condition compares the deadline itself. Nothing that
 * ends access depends on TTL.
 */
export class DynamoDbSeenKeys implements SeenKeys {
  private readonly clock: Clock;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async firstSight(key: string, until: Date): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: `${SEEN_PREFIX}${key}` },
            until: { S: until.toISOString() },
            [TTL_ATTRIBUTE]: { N: String(Math.ceil(until.getTime() / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': { S: now.toISOString() } },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw new DependencyError('dynamodb.seen-keys', 'cannot record a seen request', { cause: e });
    }
  }
}
