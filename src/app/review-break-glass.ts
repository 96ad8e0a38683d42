import type { Result } from '../domain/result.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, type CommandError, type OnRecorded, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

/** An approver records the after-the-fact review of a break-glass access (the Reviewed button). */
export async function reviewBreakGlass(
  deps: AppDeps,
  input: { requestId: string; actor: string } & OnRecorded,
): Promise<Result<AccessRequest, CommandError>> {
  const actorGroups = await deps.directory.groupsOf(input.actor);
  const applied = await applyCommand(deps, input.requestId, {
    type: 'review',
    actor: input.actor,
    actorGroups,
  });
  if (!applied.ok) return applied;
  await input.onRecorded?.();
  await tell(deps, { kind: 'reviewed', request: applied.value.after });
  return { ok: true, value: applied.value.after };
}
