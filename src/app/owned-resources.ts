/**
 * Creating and removing accounts and bastions under the ownership rule: the ledger records each before it
 * is made, and only what a record says this request made is ever dropped, killed or terminated.
 */
import { AccountExistsError, AccountNotOursError, reasonOf } from '../domain/errors.js';
import { describeOwned, notOursReason, type Owned, type OwnershipRecord } from '../domain/ownership.js';
import { withAcceptedPassword } from '../domain/password.js';
import type { LaunchSpec } from '../domain/ports.js';
import type { AccessRequest, DbAccountRef } from '../domain/types.js';
import { tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

export interface Released {
  /** Human-readable lines of what was removed, for the requester and the approval thread. */
  removed: string[];
  /** What could not be removed; non-empty means people were alerted. */
  leftovers: string[];
  /**
   * Whether the network path is cut: the bastion is terminated (or there never was one). Once it is, no
   * session can go on, whatever is left to clean up on the database.
   */
  pathCut: boolean;
}

type AccountRecord = OwnershipRecord & { owned: Extract<Owned, { kind: 'account' }> };
type BastionRecord = OwnershipRecord & { owned: Extract<Owned, { kind: 'bastion' }> };

export const isAccountRecord = (r: OwnershipRecord): r is AccountRecord => r.owned.kind === 'account';
export const isBastionRecord = (r: OwnershipRecord): r is BastionRecord => r.owned.kind === 'bastion';

/** Record the bastion, then launch it (idempotent by request id); returns its id, recorded too. */
export async function launchOwnedBastion(deps: AppDeps, spec: LaunchSpec): Promise<string> {
  const owned: Owned = { kind: 'bastion', target: spec.target };
  await deps.ledger.intend(owned, spec.requestId);
  const { id } = await deps.bastions.launch(spec);
  await deps.ledger.mark({ ...owned, bastionId: id }, spec.requestId, 'created');
  return id;
}

/**
 * Create the request's MySQL account with the tier's grants. The intent is recorded first; an account that is
 * already there and that this request did not create is left exactly as it is (AccountNotOursError, with an
 * alert); one this request created in an interrupted run is reset and granted again.
 */
/** Returns the password the account was given (a session forgets it; a run logs in with it). */
export async function createOwnedAccount(
  deps: AppDeps,
  request: AccessRequest,
  account: DbAccountRef,
): Promise<string> {
  const owned = { kind: 'account' as const, target: request.target, account };
  const db = deps.databases.forTarget(request.target);
  const record = await deps.ledger.intend(owned, request.id);
  if (record.requestId !== request.id) {
    throw await refused(
      deps,
      request,
      `${account.user}@${account.host} on ${request.target} is held by request ${record.requestId}`,
    );
  }
  let password: string;
  if (record.state === 'created' || record.state === 'locked') {
    password = await withAcceptedPassword(deps.random, (p) => db.resetUser(account, p));
  } else {
    try {
      password = await withAcceptedPassword(deps.random, (p) => db.createUser(account, p));
    } catch (e) {
      if (e instanceof AccountExistsError) {
        await deps.ledger.mark(owned, request.id, 'released', 'existed before Drawbridge tried to create it');
        throw await refused(deps, request, notOursReason(request.target, account));
      }
      await settleFailedCreate(deps, owned, request.id, db);
      throw e;
    }
    await deps.ledger.mark(owned, request.id, 'created');
  }
  await db.grantTier(account, request.tier);
  return password;
}

/**
 * CREATE USER failed for another reason than "exists": the statement may still have run on the server
 * (a connection lost before the answer). An account there a moment later is ours to remove; if nothing
 * can be checked now, the record stays `intended` and release treats it as unconfirmed.
 */
async function settleFailedCreate(
  deps: AppDeps,
  owned: Owned & { kind: 'account' },
  requestId: string,
  db: ReturnType<AppDeps['databases']['forTarget']>,
): Promise<void> {
  try {
    const exists = await db.accountExists(owned.account);
    await deps.ledger.mark(
      owned,
      requestId,
      exists ? 'created' : 'released',
      exists ? undefined : 'not created',
    );
  } catch (e) {
    deps.logger.warn('could not tell whether a failed CREATE USER took effect', {
      requestId,
      error: reasonOf(e),
    });
  }
}

async function refused(deps: AppDeps, request: AccessRequest, reason: string): Promise<AccountNotOursError> {
  await tell(deps, { kind: 'alert', request, message: `provisioning refused: ${reason}` });
  return new AccountNotOursError(reason);
}

/**
 * Remove what the ledger says `request` made: first its bastion (the network path: every session through it
 * ends at once, even while the database is locked or down), then its account (sessions killed, dropped).
 * A request recorded before the ledger existed counts its own `account` / `bastionId` as the record.
 */
export async function releaseOwnedBy(deps: AppDeps, request: AccessRequest, out: Released): Promise<void> {
  // The network path first: a session through the bastion ends now, even when the database is locked or down.
  const bastion: Owned = { kind: 'bastion', target: request.target };
  const record = await lookup(deps, bastion, request.id, out);
  if (record && isBastionRecord(record)) out.pathCut = await releaseBastion(deps, record, out);
  else if (record === null || (record === undefined && request.bastionId)) {
    // No record to go by (or the ledger is unreachable): the request's own bastion id still is one.
    out.pathCut = request.bastionId ? await terminate(deps, request.bastionId, out) : false;
  }

  const host = request.account?.host ?? request.bastion?.sourceIp;
  if (host) {
    const owned: Owned = {
      kind: 'account',
      target: request.target,
      account: { user: request.requester.dbUser, host },
    };
    const account = await lookup(deps, owned, request.id, out);
    if (account?.requestId === request.id && isAccountRecord(account)) {
      await releaseAccount(deps, account, out, request);
    } else if (account === undefined && request.account) {
      await dropAccount(deps, request.target, request.account, out, request);
    }
  }
}

/** The record, `undefined` when there is none, `null` when the ledger could not be read (a leftover). */
async function lookup(
  deps: AppDeps,
  owned: Owned,
  requestId: string,
  out: Released,
): Promise<OwnershipRecord | undefined | null> {
  try {
    return await deps.ledger.get(owned, requestId);
  } catch (e) {
    out.leftovers.push(`ownership record of ${describeOwned(owned)}: ${reasonOf(e)}`);
    return null;
  }
}

/** Act on one account record: drop what is ours, never touch what creation did not confirm. */
export async function releaseAccount(
  deps: AppDeps,
  record: AccountRecord,
  out: Released,
  request?: AccessRequest,
): Promise<void> {
  const { owned, requestId } = record;
  if (record.state === 'released') return;
  if (record.state === 'intended') {
    await settleUnconfirmed(deps, record, out, request);
    return;
  }
  const outcome = await dropAccount(deps, owned.target, owned.account, out, request);
  if (outcome === 'dropped') await markQuietly(deps, owned, requestId, 'released');
  if (outcome === 'locked') await markQuietly(deps, owned, requestId, 'locked');
}

/**
 * Creation was recorded but never confirmed (a crash between the two, or a run that stopped before it): an
 * account there now may be somebody else's, so it is left alone and people are told.
 */
async function settleUnconfirmed(
  deps: AppDeps,
  record: AccountRecord,
  out: Released,
  request?: AccessRequest,
): Promise<void> {
  const { owned, requestId } = record;
  try {
    if (await deps.databases.forTarget(owned.target).accountExists(owned.account)) {
      await tell(deps, {
        kind: 'alert',
        ...(request ? { request } : {}),
        message: `${describeOwned(owned)} on ${owned.target} exists, but Drawbridge never confirmed creating it (request ${requestId}): left untouched; if it is a leftover without privileges, drop it by hand`,
      });
    }
    await deps.ledger.mark(owned, requestId, 'released', 'creation never confirmed');
  } catch (e) {
    out.leftovers.push(`${describeOwned(owned)}: ${reasonOf(e)}`);
  }
}

async function dropAccount(
  deps: AppDeps,
  target: string,
  account: DbAccountRef,
  out: Released,
  request?: AccessRequest,
): Promise<'dropped' | 'locked' | 'failed'> {
  const name = describeOwned({ kind: 'account', target, account });
  try {
    const report = await deps.databases.forTarget(target).dropAccount(account);
    if (report.outcome === 'dropped') {
      out.removed.push(`${name} (dropped, ${report.killedConnections} live connection(s) killed)`);
    } else if (report.outcome === 'locked') {
      out.removed.push(
        `${name} (locked and stripped of grants: it owns ${report.definerObjects.join(', ')})`,
      );
      await tell(deps, {
        kind: 'alert',
        ...(request ? { request } : {}),
        message: `${name} owns objects (${report.definerObjects.join(', ')}), so it was locked instead of dropped; reassign their DEFINER and drop it`,
      });
    } else if (report.killedConnections > 0) {
      out.removed.push(`${report.killedConnections} leftover connection(s) of ${name} killed`);
    }
    if (report.roleDefinerObjects.length > 0) {
      const objects = report.roleDefinerObjects.join(', ');
      out.removed.push(`objects defined by the tier's role, left in place: ${objects}`);
      await tell(deps, {
        kind: 'alert',
        ...(request ? { request } : {}),
        message: `objects whose DEFINER is a Drawbridge tier role exist on ${target} (${objects}); they run with the role's rights: review them and reassign their DEFINER`,
      });
    }
    return report.outcome === 'locked' ? 'locked' : 'dropped';
  } catch (e) {
    out.leftovers.push(`${name}: ${reasonOf(e)}`);
    return 'failed';
  }
}

/**
 * Terminate the recorded bastion — or, when the launch may have happened unrecorded, those tagged with the
 * request. True when no bastion of the request is left.
 */
export async function releaseBastion(deps: AppDeps, record: BastionRecord, out: Released): Promise<boolean> {
  if (record.state === 'released') return true;
  let ids: string[];
  if (record.owned.bastionId) ids = [record.owned.bastionId];
  else {
    try {
      ids = (await deps.bastions.list()).filter((b) => b.requestId === record.requestId).map((b) => b.id);
    } catch (e) {
      out.leftovers.push(`bastion lookup: ${reasonOf(e)}`);
      return false;
    }
  }
  let all = true;
  for (const id of ids) all = (await terminate(deps, id, out)) && all;
  if (all) await markQuietly(deps, record.owned, record.requestId, 'released');
  return all;
}

async function terminate(deps: AppDeps, id: string, out: Released): Promise<boolean> {
  try {
    await deps.bastions.terminate(id);
    out.removed.push(`bastion ${id} (terminated)`);
    return true;
  } catch (e) {
    out.leftovers.push(`bastion ${id}: ${reasonOf(e)}`);
    return false;
  }
}

/** The removal happened; a record that cannot be updated now is found again by the next sweep. */
async function markQuietly(
  deps: AppDeps,
  owned: Owned,
  requestId: string,
  state: 'released' | 'locked',
): Promise<void> {
  try {
    await deps.ledger.mark(owned, requestId, state);
  } catch (e) {
    deps.logger.warn('ownership record not updated', { requestId, state, error: reasonOf(e) });
  }
}
