/**
 * The ownership rule: Drawbridge drops, kills and terminates only what its own records say it created.
 * Every MySQL account and every bastion is recorded here *before* it is created, for one request; teardown,
 * compensation and the sweeper act only on what such a record holds, never on a name pattern or an
 * address range. An account that already existed when Drawbridge tried to create it is not Drawbridge's.
 */
import type { DbAccountRef } from './types.js';

/** Something Drawbridge makes for one request. */
export type Owned =
  | { kind: 'account'; target: string; account: DbAccountRef }
  /** `bastionId` is known once the launch returned it. */
  | { kind: 'bastion'; target: string; bastionId?: string };

/**
 * - `intended`: recorded, creation not confirmed (a crash may sit between the two);
 * - `created`: Drawbridge created it (or a create call failed in a way that may have created it): ours to remove;
 * - `locked`: an account kept locked because it is the DEFINER of objects (reported, not dropped);
 * - `released`: removed, or never made (it existed before and is somebody else's; see `note`).
 */
export type OwnershipState = 'intended' | 'created' | 'locked' | 'released';

export interface OwnershipRecord {
  owned: Owned;
  requestId: string;
  state: OwnershipState;
  recordedAt: string;
  updatedAt: string;
  /** Why a record was released without removing anything, or what was left. */
  note?: string;
}

/**
 * The record's identity: an account is one `user@host` on one target whoever asks for it, so two requests
 * can never both own it; a bastion is one per request.
 */
export function ownershipKey(owned: Owned, requestId: string): string {
  return owned.kind === 'account'
    ? `account#${owned.target}#${owned.account.user}@${owned.account.host}`
    : `bastion#${requestId}`;
}

export const describeOwned = (owned: Owned): string =>
  owned.kind === 'account'
    ? `MySQL account ${owned.account.user}@${owned.account.host}`
    : `bastion ${owned.bastionId ?? '(not launched)'}`;

/** The requester-facing reason when the account name is taken by an account Drawbridge did not make. */
export function notOursReason(target: string, account: DbAccountRef): string {
  return (
    `\`${account.user}\`@\`${account.host}\` already exists on ${target} and was not created by Drawbridge, ` +
    'so Drawbridge will not touch it; ask the platform team to set a userPrefix for this target or remove that account'
  );
}
