import { effectiveTierPolicy, isApprover } from '../domain/policy.js';
import { err, ok, type Result } from '../domain/result.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, type CommandError, type OnRecorded } from './apply-command.js';
import type { AppDeps } from './deps.js';

/**
 * End now (requester or an approver) or cancel a request not yet provisioned (requester). Acknowledges
 * at once and hands the teardown to the worker, so the caller never waits on the database or a bastion.
 */
export async function endAccess(
  deps: AppDeps,
  input: { requestId: string; actor: string } & OnRecorded,
): Promise<Result<AccessRequest, CommandError | { code: 'not_allowed'; message: string }>> {
  const request = await deps.store.get(input.requestId);
  if (!request) return err({ code: 'not_found', message: `no request ${input.requestId}` });
  if (request.state === 'requested' || request.state === 'approved') {
    const cancelled = await applyCommand(deps, input.requestId, { type: 'cancel', actor: input.actor });
    if (!cancelled.ok) return cancelled;
    await input.onRecorded?.();
    await deps.scheduler.cancel(input.requestId, 'approval-timeout');
    return ok(cancelled.value.after);
  }
  const isOwner = request.requester.slackUserId === input.actor;
  if (
    !isOwner &&
    !isApprover(
      effectiveTierPolicy(deps.policies, request),
      input.actor,
      await deps.directory.groupsOf(input.actor),
    )
  ) {
    return err({ code: 'not_allowed', message: 'only the requester or an approver can end this access' });
  }
  const reason = isOwner ? 'ended early by the requester' : `ended by approver ${input.actor}`;
  const began = await applyCommand(deps, input.requestId, {
    type: 'begin-ending',
    actor: input.actor,
    reason,
  });
  if (!began.ok) return began;
  await input.onRecorded?.();
  await deps.queue.enqueue({ kind: 'teardown', requestId: input.requestId, reason });
  return ok(began.value.after);
}
