import { reasonOf } from '../domain/errors.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';
import { recordActivity } from './record-activity.js';
import { releaseAccess } from './release-access.js';

export type TeardownOutcome =
  | { outcome: 'ended'; request: AccessRequest; removed: string[] }
  | { outcome: 'failed'; request: AccessRequest; leftovers: string[] }
  | { outcome: 'skipped'; state: string };

/**
 * End access: from the scheduler, End now, or the sweeper. Moves active/warned to
 * `ending` (one conditional write, so concurrent callers agree on one teardown), releases everything, then
 * marks `ended` — or `failed` with what was left behind, which has already raised an alert. Safe to run twice:
 * an `ending` request (a crash mid-teardown) is released again; anything else is left alone.
 */
export async function teardownAccess(
  deps: AppDeps,
  requestId: string,
  actor: string,
  reason: string,
): Promise<TeardownOutcome> {
  const began = await applyCommand(deps, requestId, { type: 'begin-ending', actor, reason });
  const request = began.ok ? began.value.after : await deps.store.get(requestId);
  if (request?.state !== 'ending') return { outcome: 'skipped', state: request?.state ?? 'missing' };

  const released = await releaseAccess(deps, request);
  // With the network path cut no session can go on: access has ended, and what is left on the database is
  // cleanup, already alerted and retried by every sweep from the ownership ledger.
  if (released.leftovers.length > 0 && !released.pathCut) {
    const failed = await applyCommand(deps, requestId, {
      type: 'fail',
      step: 'teardown',
      reason: 'access could not be fully removed',
      leftovers: released.leftovers,
    });
    const latest = failed.ok ? failed.value.after : ((await deps.store.get(requestId)) ?? request);
    if (failed.ok) await tell(deps, { kind: 'failed', request: latest });
    await recordActivityAfterEnd(deps, requestId);
    return { outcome: 'failed', request: latest, leftovers: released.leftovers };
  }
  const ended = await applyCommand(deps, requestId, {
    type: 'end',
    removed: released.removed,
    lagging: released.leftovers,
  });
  if (!ended.ok) return { outcome: 'skipped', state: ended.error.code };
  deps.logger.info('access ended', { requestId, reason });
  await tell(deps, {
    kind: 'ended',
    request: ended.value.after,
    removed: released.removed,
    lagging: released.leftovers,
  });
  // After every session was killed: the records are complete. The history then holds the activity event.
  await recordActivityAfterEnd(deps, requestId);
  return { outcome: 'ended', request: ended.value.after, removed: released.removed };
}

/** The end stands whatever happens here: activity not recorded now is recorded by the next sweep. */
async function recordActivityAfterEnd(deps: AppDeps, requestId: string): Promise<void> {
  try {
    await recordActivity(deps, requestId);
  } catch (e) {
    deps.logger.warn('activity not recorded at teardown; the sweeper will', {
      requestId,
      error: reasonOf(e),
    });
  }
}
