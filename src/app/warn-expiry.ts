import { applyCommand, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

/** The warning before expiry. Exactly once per active period: after an early end or a second firing it does nothing. */
export async function warnExpiry(deps: AppDeps, requestId: string): Promise<boolean> {
  const applied = await applyCommand(deps, requestId, { type: 'warn' });
  if (!applied.ok) return false;
  await tell(deps, { kind: 'warning', request: applied.value.after });
  return true;
}
