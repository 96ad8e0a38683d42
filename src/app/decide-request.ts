import type { Result } from '../domain/result.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, type CommandError, type OnRecorded, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

export interface DecideInput extends OnRecorded {
  requestId: string;
  actor: string;
  verdict: 'approve' | 'deny';
  reason?: string | undefined;
  /** For a run: the sha256 of the SQL the approver was shown (the Approve button carries it). */
  sqlSha256?: string | undefined;
}

/**
 * An approver's click. Only listed approvers count, never the requester; the approval that reaches the
 * quorum moves the request to `approved` and hands provisioning to the worker.
 */
export async function decideRequest(
  deps: AppDeps,
  input: DecideInput,
): Promise<Result<AccessRequest, CommandError>> {
  const actorGroups = await deps.directory.groupsOf(input.actor);
  const applied = await applyCommand(
    deps,
    input.requestId,
    input.verdict === 'approve'
      ? { type: 'approve', actor: input.actor, actorGroups, sqlSha256: input.sqlSha256 }
      : { type: 'deny', actor: input.actor, actorGroups, reason: input.reason },
  );
  if (!applied.ok) return applied;
  await input.onRecorded?.();
  const request = applied.value.after;
  deps.logger.info('decision recorded', {
    requestId: request.id,
    actor: input.actor,
    verdict: input.verdict,
    state: request.state,
  });
  if (request.state !== 'requested') await deps.scheduler.cancel(request.id, 'approval-timeout');
  if (request.state === 'approved') await deps.queue.enqueue({ kind: 'provision', requestId: request.id });
  await tell(deps, { kind: 'decision', request, by: input.actor, verdict: input.verdict });
  return { ok: true, value: request };
}
