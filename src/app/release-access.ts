import { reasonOf } from '../domain/errors.js';
import type { JobKind } from '../domain/ports.js';
import type { AccessRequest } from '../domain/types.js';
import { tell } from './apply-command.js';
import type { AppDeps } from './deps.js';
import { type Released, releaseOwnedBy } from './owned-resources.js';

export type { Released } from './owned-resources.js';

const JOBS: readonly JobKind[] = ['approval-timeout', 'warn', 'teardown'];

/**
 * Remove everything a request holds, in the order that closes access first: the bastion (the network
 * path), then the MySQL account (live sessions killed, no new logins), then the schedules. Only what the
 * ownership ledger says this request made is removed. Idempotent and safe to run twice; used both by teardown and by compensation
 * of a failed provisioning. A failure is never silent: it is returned as a leftover and raised as an alert,
 * because a host-pinned account left behind re-opens if its IP is ever reused.
 */
export async function releaseAccess(deps: AppDeps, request: AccessRequest): Promise<Released> {
  const out: Released = { removed: [], leftovers: [], pathCut: true };
  await releaseOwnedBy(deps, request, out);
  for (const kind of JOBS) {
    try {
      await deps.scheduler.cancel(request.id, kind);
    } catch (e) {
      out.leftovers.push(`${kind} schedule: ${reasonOf(e)}`);
    }
  }
  if (out.leftovers.length > 0) {
    deps.logger.error('access not fully released', { requestId: request.id, leftovers: out.leftovers });
    await tell(deps, { kind: 'alert', request, message: `could not remove: ${out.leftovers.join('; ')}` });
  }
  return out;
}
