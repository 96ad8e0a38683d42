import { reasonOf } from '../domain/errors.js';
import type { JobKind } from '../domain/ports.js';
import type { AccessRequest } from '../domain/types.js';
import { tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

export interface Released {
  /** Human-readable lines of what was removed, for the requester and the approval thread. */
  removed: string[];
  /** What could not be removed; non-empty means people were alerted. */
  leftovers: string[];
}

const JOBS: readonly JobKind[] = ['approval-timeout', 'warn', 'teardown'];

/**
 * Remove everything a request may hold, in the order that closes access first: the MySQL account (no new
 * logins, live sessions killed), then the bastion, then the schedules. Idempotent and safe to run twice;
 * used both by teardown and by compensation of a failed provisioning. A failure is never silent: it is
 * returned as a leftover and raised as an alert, because a host-pinned account left behind re-opens
 * if its IP is ever reused.
 */
export async function releaseAccess(deps: AppDeps, request: AccessRequest): Promise<Released> {
  const removed: string[] = [];
  const leftovers: string[] = [];
  const host = request.account?.host ?? request.bastion?.sourceIp;
  if (host) {
    const account = { user: request.requester.dbUser, host };
    const name = `MySQL account ${account.user}@${account.host}`;
    try {
      const report = await deps.databases.forTarget(request.target).dropAccount(account);
      if (report.outcome === 'dropped') {
        removed.push(`${name} (dropped, ${report.killedConnections} live connection(s) killed)`);
      } else if (report.outcome === 'locked') {
        removed.push(`${name} (locked and stripped of grants: it owns ${report.definerObjects.join(', ')})`);
        await tell(deps, {
          kind: 'alert',
          request,
          message: `${name} owns objects (${report.definerObjects.join(', ')}), so it was locked instead of dropped; reassign their DEFINER and drop it`,
        });
      } else if (report.killedConnections > 0) {
        removed.push(`${report.killedConnections} leftover connection(s) of ${name} killed`);
      }
    } catch (e) {
      leftovers.push(`${name}: ${reasonOf(e)}`);
    }
  }

  for (const id of await bastionIdsOf(deps, request, leftovers)) {
    try {
      await deps.bastions.terminate(id);
      removed.push(`bastion ${id} (terminated)`);
    } catch (e) {
      leftovers.push(`bastion ${id}: ${reasonOf(e)}`);
    }
  }

  for (const kind of JOBS) {
    try {
      await deps.scheduler.cancel(request.id, kind);
    } catch (e) {
      leftovers.push(`${kind} schedule: ${reasonOf(e)}`);
    }
  }

  if (leftovers.length > 0) {
    deps.logger.error('access not fully released', { requestId: request.id, leftovers });
    await tell(deps, { kind: 'alert', request, message: `could not remove: ${leftovers.join('; ')}` });
  }
  return { removed, leftovers };
}

/** The recorded bastion, or — when a launch may have happened without being recorded — any tagged with this request. */
async function bastionIdsOf(deps: AppDeps, request: AccessRequest, leftovers: string[]): Promise<string[]> {
  if (request.bastionId) return [request.bastionId];
  try {
    return (await deps.bastions.list()).filter((b) => b.requestId === request.id).map((b) => b.id);
  } catch (e) {
    leftovers.push(`bastion lookup: ${reasonOf(e)}`);
    return [];
  }
}
