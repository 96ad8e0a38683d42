/** How an AccessRequest maps to a DynamoDB item and back. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DrawbridgeError } from '../../domain/errors.js';
import type { AccessRequest } from '../../domain/types.js';
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

/** Marshall, turning the SDK's plain Errors (an unsafe integer, a function) into a typed error. */
export function toAttributes(value: Record<string, unknown>, what: string): Item {
  try {
    return marshall(value, { removeUndefinedValues: true });
  } catch (e) {
    throw new DrawbridgeError('unstorable_value', `${what} cannot be stored in DynamoDB`, { cause: e });
  }
}

export function toItem(request: AccessRequest): Item {
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
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new DrawbridgeError('corrupt_item', `item ${key} is not a valid request at ${path}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
