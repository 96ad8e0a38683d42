/**
 * The single table that holds Drawbridge's state. Request items and name-claim items share it and are
 * told apart by the prefix of `pk`. The CDK stack creates the same table in AWS; `ensureTable` creates
 * it in local mode and in tests.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const BY_REQUESTER_INDEX = 'byRequester';
export const BY_STATE_INDEX = 'byState';

/** `pk` prefixes; everything else in the table is keyed by one of these. */
export const REQUEST_PREFIX = 'req#';
export const DB_USER_PREFIX = 'dbuser#';
/** Where the Slack messages of a request live (DynamoDbMessageRefs). */
export const MESSAGE_REFS_PREFIX = 'msg#';
/** Recently seen keys (DynamoDbSeenKeys): replayed Slack requests. They expire through DynamoDB TTL. */
export const SEEN_PREFIX = 'seen#';
/** The TTL attribute (epoch seconds) of items that may vanish on their own: only seen keys carry it. */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';
/** Notifications not yet delivered (DynamoDbOutbox), in one `byState` partition sorted by next attempt. */
export const OUTBOX_PREFIX = 'outbox#';
export const OUTBOX_PARTITION = 'outbox';
/** Ownership records (DynamoDbOwnershipLedger). */
export const OWNERSHIP_PREFIX = 'own#';
/** The `gsi2pk` of every ownership record not yet released: the sweeper's worklist. */
export const OWNED_PARTITION = 'owned';
/** The `gsi2pk` of every name claim: `listDbUserNames` reads one partition of `byState`. */
export const DB_USER_PARTITION = 'dbuser';

/** Attributes that exist only for DynamoDB's keys and indexes; they are stripped when an item is read. */
export const STORAGE_ATTRIBUTES = ['pk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

/** Everything CreateTable needs except the name, which differs per deployment (and per test). */
export const REQUEST_TABLE_DEFINITION = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
    { AttributeName: 'gsi2pk', AttributeType: 'S' },
    { AttributeName: 'gsi2sk', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      // requester#<slackUserId> / requestedAt: "my requests", newest first.
      IndexName: BY_REQUESTER_INDEX,
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      // state#<state> / (dueAt ?? requestedAt): what the sweeper must look at; also dbuser / <name>.
      IndexName: BY_STATE_INDEX,
      KeySchema: [
        { AttributeName: 'gsi2pk', KeyType: 'HASH' },
        { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;
