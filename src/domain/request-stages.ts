/**
 * What a request is guaranteed to hold at each stage of its life, as types the code can rely on. The record
 * itself is one flat item (optional fields filled in as the lifecycle goes); these narrow it, checked at
 * run time, so a reader of a stage uses its fields without casts.
 */
import { DrawbridgeError } from './errors.js';
import {
  type AccessRequest,
  type BastionRef,
  checkRequestShape,
  type DbAccountRef,
  type LiveRequest,
  type ProvisioningRequest,
  type RequestState,
  type StoredRequest,
} from './types.js';

/** Being provisioned: it has a provisioning deadline. */
export type Provisioning = ProvisioningRequest;
/** The bastion was launched: its id is recorded, so compensation finds it even before it is reachable. */
export type Launched = Provisioning & { bastionId: string };
/** The bastion answers: how to reach it, and the address the account will be pinned to. */
export type Reachable = Launched & { bastion: BastionRef };
/** The account exists. */
export type WithAccount = Reachable & { account: DbAccountRef };
/** Its end is fixed. */
export type Scheduled = WithAccount & { expiresAt: string };
/** Live access (not being ended): a bastion, an account, an end. */
export type LiveAccess = LiveRequest & { state: 'active' | 'warned' };

const LIVE: readonly RequestState[] = ['active', 'warned'];

/** In `state`, with what that state guarantees (checkRequestShape, the one list of those fields). */
const holds = (r: StoredRequest, states: readonly RequestState[]) =>
  states.includes(r.state) && checkRequestShape(r).ok;

export const isProvisioning = (r: StoredRequest): r is Provisioning => holds(r, ['provisioning']);
export const isLaunched = (r: StoredRequest): r is Launched => isProvisioning(r) && r.bastionId !== undefined;
export const isReachable = (r: StoredRequest): r is Reachable => isLaunched(r) && r.bastion !== undefined;
export const hasAccount = (r: StoredRequest): r is WithAccount => isReachable(r) && r.account !== undefined;
export const isScheduled = (r: StoredRequest): r is Scheduled => hasAccount(r) && r.expiresAt !== undefined;
export const isLive = (r: StoredRequest): r is LiveAccess => holds(r, LIVE);

/**
 * `request` as the stage it must have reached after `what` was recorded; a request that has not is a broken
 * invariant of the lifecycle (never an expected outcome), reported as such.
 */
export function reached<T extends AccessRequest>(
  request: AccessRequest,
  is: (r: StoredRequest) => r is T,
  what: string,
): T {
  if (is(request)) return request;
  throw new DrawbridgeError(
    'lifecycle_invariant',
    `request ${request.id} is ${request.state} without what ${what} records`,
  );
}
