import { applyCommand, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

/**
 * The warning before expiry. Exactly once per active period: after an early end or a second firing it does
 * nothing — nor when it fires at or after the expiry itself (a timer re-armed late after a restart): the
 * teardown is due, and a warning then would only mislead.
 */
export async function warnExpiry(deps: AppDeps, requestId: string): Promise<boolean> {
  const current = await deps.store.get(requestId);
  if (current?.expiresAt && Date.parse(current.expiresAt) <= deps.clock.now().getTime()) return false;
  const applied = await applyCommand(deps, requestId, { type: 'warn' });
  if (!applied.ok) return false;
  await tell(deps, { kind: 'warning', request: applied.value.after });
  return true;
}
