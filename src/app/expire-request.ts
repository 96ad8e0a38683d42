import { applyCommand, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

/** An undecided request past its approval deadline expires (its buttons go). A decided one is left alone. */
export async function expireRequest(deps: AppDeps, requestId: string): Promise<boolean> {
  const applied = await applyCommand(deps, requestId, { type: 'expire' });
  if (!applied.ok) return false;
  deps.logger.info('request expired', { requestId });
  await tell(deps, { kind: 'expired', request: applied.value.after });
  return true;
}
