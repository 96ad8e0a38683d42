import { err, type Result } from '../domain/result.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, type CommandError, type OnRecorded, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

/** Ask for more time: re-approved under the tier's policy, or granted at once where the policy auto-approves. */
export async function requestExtension(
  deps: AppDeps,
  input: { requestId: string; actor: string; seconds: number } & OnRecorded,
): Promise<Result<AccessRequest, CommandError | { code: 'invalid_duration'; message: string }>> {
  if (!Number.isInteger(input.seconds) || input.seconds <= 0) {
    return err({ code: 'invalid_duration', message: 'an extension must be a positive duration' });
  }
  const applied = await applyCommand(deps, input.requestId, {
    type: 'request-extension',
    actor: input.actor,
    seconds: input.seconds,
  });
  if (!applied.ok) return applied;
  await input.onRecorded?.();
  return afterExtensionChange(deps, applied.value.after, input.seconds);
}

/** An approver's decision on a pending extension. */
export async function decideExtension(
  deps: AppDeps,
  input: { requestId: string; actor: string; verdict: 'approve' | 'deny' } & OnRecorded,
): Promise<Result<AccessRequest, CommandError>> {
  const actorGroups = await deps.directory.groupsOf(input.actor);
  const applied = await applyCommand(deps, input.requestId, {
    type: 'decide-extension',
    actor: input.actor,
    actorGroups,
    verdict: input.verdict,
  });
  if (!applied.ok) return applied;
  await input.onRecorded?.();
  if (input.verdict === 'deny')
    await tell(deps, { kind: 'decision', request: applied.value.after, by: input.actor, verdict: 'deny' });
  // The length asked for, as it stood when the decision was applied (granting it clears it).
  return afterExtensionChange(deps, applied.value.after, applied.value.before.pendingExtension?.seconds ?? 0);
}

/** Granted → move the schedules to the new expiry; still pending → ask the approvers. */
async function afterExtensionChange(deps: AppDeps, request: AccessRequest, seconds: number) {
  const last = request.events.at(-1);
  if (last?.type === 'extended' && request.expiresAt) {
    const expiresAt = new Date(request.expiresAt);
    await deps.scheduler.schedule({
      requestId: request.id,
      kind: 'warn',
      at: new Date(expiresAt.getTime() - deps.timings.warnBeforeSeconds * 1000),
    });
    await deps.scheduler.schedule({ requestId: request.id, kind: 'teardown', at: expiresAt });
    await tell(deps, { kind: 'extended', request, seconds });
  } else if (last?.type === 'extension-requested') {
    await tell(deps, { kind: 'extension-requested', request });
  }
  return { ok: true as const, value: request };
}
