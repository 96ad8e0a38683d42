/** How an AccessRequest maps to a DynamoDB item and back. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { z } from 'zod';
import { DrawbridgeError } from '../../domain/errors.js';
import { type AccessRequest, checkRequestShape } from '../../domain/types.js';
import { findUnstorable } from './plain-data.js';
import { accessRequestSchema } from './request-schema.js';
import { REQUEST_PREFIX, STORAGE_ATTRIBUTES } from './table-definition.js';

export type Item = Record<string, AttributeValue>;

export const requestKey = (id: string): Item => ({ pk: { S: `${REQUEST_PREFIX}${id}` } });

/**
 * The GSI keys of a request. `gsi2sk` is `dueAt` when the request has one and `requestedAt` otherwise,
 * so a live request nobody scheduled still sorts into the past and a `dueBefore` query finds it.
 */
export function indexKeys(request: AccessRequest): Record<(typeof STORAGE_ATTRIBUTES)[number], string> {
  return {
    pk: `${REQUEST_PREFIX}${request.id}`,
    gsi1pk: `requester#${request.requester.slackUserId}`,
    gsi1sk: request.requestedAt,
    gsi2pk: `state#${request.state}`,
    gsi2sk: request.dueAt ?? request.requestedAt,
  };
}

/** Marshall, refusing with a typed error (`unstorable_value`, naming the path) what would not come back intact. */
export function toAttributes(value: Record<string, unknown>, what: string): Item {
  const problem = findUnstorable(value);
  if (problem)
    throw new DrawbridgeError('unstorable_value', `${what} cannot be stored in DynamoDB: ${problem}`);
  try {
    return marshall(value, { removeUndefinedValues: true });
  } catch (e) {
    throw new DrawbridgeError('unstorable_value', `${what} cannot be stored in DynamoDB`, { cause: e });
  }
}

/**
 * Refuse to write what `fromItem` would refuse to read: one bad write would make the item unreadable
 * for good. Throws DrawbridgeError `unstorable_value` naming the first bad path.
 */
export function assertValidRequest(request: AccessRequest): void {
  const problem = firstIssue(accessRequestSchema.safeParse(request).error);
  if (problem)
    throw new DrawbridgeError('unstorable_value', `request ${request.id} is not valid at ${problem}`);
}

export function toItem(request: AccessRequest): Item {
  assertValidRequest(request);
  return toAttributes({ ...request, ...indexKeys(request) }, `request ${request.id}`);
}

/**
 * Read a request item back: strip the storage attributes and validate the rest.
 * Throws DrawbridgeError `corrupt_item` naming the first bad path (never the value: it is user input).
 */
export function fromItem(item: Item): AccessRequest {
  const key = item.pk?.S ?? '(no pk)';
  let raw: Record<string, unknown>;
  try {
    raw = unmarshall(item);
  } catch (e) {
    throw new DrawbridgeError('corrupt_item', `item ${key} cannot be unmarshalled`, { cause: e });
  }
  for (const attribute of STORAGE_ATTRIBUTES) delete raw[attribute];
  const parsed = accessRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = firstIssue(parsed.error);
    throw new DrawbridgeError('corrupt_item', `item ${key} is not a valid request at ${problem}`, {
      cause: parsed.error,
    });
  }
  if (key !== `${REQUEST_PREFIX}${parsed.data.id}`) {
    throw new DrawbridgeError(
      'corrupt_item',
      `item ${key} is not a valid request at id: it does not match the key`,
    );
  }
  const shaped = checkRequestShape(parsed.data);
  if (!shaped.ok) {
    throw new DrawbridgeError(
      'corrupt_item',
      `item ${key} is ${parsed.data.state} without ${shaped.missing.join(', ')}`,
    );
  }
  return shaped.value;
}

/** `path: message (and N more)` of a zod error; zod's messages name types and options, never the value. */
function firstIssue(error: z.ZodError | undefined): string | undefined {
  const [issue, ...more] = error?.issues ?? [];
  if (!issue) return undefined;
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}${more.length > 0 ? ` (and ${more.length} more)` : ''}`;
}
