/** The single conditional UpdateItem that moves a request from one version to the next. */
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { DrawbridgeError } from '../../domain/errors.js';
import type { AccessRequest } from '../../domain/types.js';
import { assertValidRequest, indexKeys, requestKey, toAttributes } from './request-item.js';
import { OPTIONAL_REQUEST_ATTRIBUTES } from './request-schema.js';

/** Never SET directly: the key cannot change, `events` is appended to, `version` is the guard. */
const NOT_SET = new Set(['pk', 'id', 'events', 'version']);

/**
 * Build the UpdateItem for `next`: SET every attribute and the recomputed GSI keys, append
 * `next.events.slice(appendedFrom)` with `list_append`, REMOVE the optional attributes `next` lacks,
 * and bump `version` on condition that it still is `next.version - 1`. Every name goes through
 * ExpressionAttributeNames (`state`, `version`, `reason`… are reserved words).
 */
export function buildRequestUpdate(
  tableName: string,
  next: AccessRequest,
  appendedFrom: number,
): UpdateItemCommandInput {
  if (!Number.isInteger(next.version) || next.version < 2) {
    throw new DrawbridgeError(
      'invalid_update',
      `request ${next.id}: an update needs version >= 2, got ${next.version}`,
    );
  }
  if (!Number.isInteger(appendedFrom) || appendedFrom < 0 || appendedFrom > next.events.length) {
    throw new DrawbridgeError(
      'invalid_update',
      `request ${next.id}: appendedFrom ${appendedFrom} is outside its ${next.events.length} events`,
    );
  }
  assertValidRequest(next);
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':prev': next.version - 1, ':next': next.version };
  const sets = ['#version = :next'];
  const removes: string[] = [];

  const attributes: Record<string, unknown> = { ...next, ...indexKeys(next) };
  for (const [name, value] of Object.entries(attributes)) {
    if (NOT_SET.has(name) || value === undefined) continue;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const appended = next.events.slice(appendedFrom);
  if (appended.length > 0) {
    names['#events'] = 'events';
    values[':appended'] = appended;
    sets.push('#events = list_append(#events, :appended)');
  }
  for (const name of OPTIONAL_REQUEST_ATTRIBUTES) {
    if (attributes[name] !== undefined) continue;
    names[`#${name}`] = name;
    removes.push(`#${name}`);
  }

  const expression = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`;
  return {
    TableName: tableName,
    Key: requestKey(next.id),
    UpdateExpression: expression,
    ConditionExpression: '#version = :prev',
    // A lost race answers with the winner's item, so the loser decides again without reading it back.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: toAttributes(values, `update of request ${next.id}`),
  };
}
