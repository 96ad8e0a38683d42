/**
 * An approved run: an account made for this run only — named after the requester, pinned to the worker's
 * source address, with the tier's grants (never a protected table) — the checked statements executed as it,
 * the export delivered, and the account dropped whatever happened. The outcome ends the request (`ended`,
 * with the per-statement results) and is told to the requester and the approval thread. A run is never
 * executed twice: one interrupted by a crash fails (its account is removed) instead of resuming.
 */
import { reasonOf } from '../domain/errors.js';
import { effectiveTierPolicy } from '../domain/policy.js';
import type { RunFile } from '../domain/ports.js';
import type { AccessRequest, RunResult } from '../domain/types.js';
import { applyCommand, commitFrom, tell } from './apply-command.js';
import { beforeDeadline } from './deadline.js';
import type { AppDeps } from './deps.js';
import { createOwnedAccount } from './owned-resources.js';
import { compensate } from './provision-access.js';
import { activityPosition, recordActivity } from './record-activity.js';
import { releaseAccess } from './release-access.js';

export type RunOutcome =
  | { outcome: 'ended'; request: AccessRequest }
  | { outcome: 'failed'; request: AccessRequest }
  | { outcome: 'skipped'; state: string };

export async function executeRun(deps: AppDeps, requestId: string): Promise<RunOutcome> {
  const started = await applyCommand(deps, requestId, { type: 'start-provisioning' });
  if (!started.ok) {
    const found = await deps.store.get(requestId);
    // Provisioning already: a duplicate delivery, or a run a crash interrupted. Only the latter is failed
    // (by recover and the sweeper), never re-executed.
    return { outcome: 'skipped', state: found?.state ?? 'missing' };
  }
  let current = started.value.after;
  const spec = current.run;
  if (!spec || current.state !== 'provisioning') return { outcome: 'skipped', state: current.state };
  const deadline = Date.parse(current.provisioningDeadline ?? '') || deps.clock.now().getTime();
  const limits = effectiveTierPolicy(deps.policies, current).runs;
  let step = 'reserve-source';
  let file: RunFile | undefined;
  let executed: { result: Omit<RunResult, 'export'>; file?: RunFile } | undefined;
  try {
    const host = await deps.runner.reserve(requestId, current.target);
    try {
      const account = { user: current.requester.dbUser, host };
      const activityFrom = await activityPosition(deps, current.target);
      step = 'create-account';
      const password = await createOwnedAccount(deps, current, account);
      const recorded = await commitFrom(deps, current, { type: 'account-created', account, activityFrom });
      if (!recorded.ok) throw new Error(recorded.error.message);
      current = recorded.value;
      step = 'execute';
      executed = await beforeDeadline(
        deps.runner.execute(current.target, { requestId, account, password, spec, limits }),
        deadline - deps.clock.now().getTime(),
        'the run took longer than its time budget',
      );
      file = executed.file;
    } finally {
      // The account goes whatever happened: from the ownership ledger, exactly the one made above.
      const released = await releaseAccess(deps, current);
      deps.runner.release(requestId);
      if (released.leftovers.length > 0)
        deps.logger.error('run account not removed', { requestId, leftovers: released.leftovers });
    }
    let link: string | undefined;
    let result: RunResult = executed.result;
    if (file) {
      step = 'deliver-export';
      const delivered = await deps.exports.deliver(current, file);
      link = delivered.link;
      const { path: _path, ...meta } = file;
      result = { ...result, export: { ...meta, deliveredTo: delivered.deliveredTo } };
    }
    const ended = await applyCommand(deps, requestId, { type: 'run-finished', result });
    if (!ended.ok) return { outcome: 'skipped', state: ended.error.code };
    deps.logger.info('run finished', { requestId, outcome: result.outcome });
    await tell(deps, { kind: 'run-finished', request: ended.value.after, ...(link ? { link } : {}) });
    await recordActivity(deps, requestId).catch((e: unknown) =>
      deps.logger.warn('activity not recorded after the run; the sweeper will', {
        requestId,
        error: reasonOf(e),
      }),
    );
    return { outcome: 'ended', request: ended.value.after };
  } catch (e) {
    return { outcome: 'failed', request: await compensate(deps, requestId, step, reasonOf(e)) };
  } finally {
    if (file) await deps.runner.discard(file).catch(() => undefined);
  }
}
