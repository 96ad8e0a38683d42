import { generatePassword } from '../domain/password.js';
import { err, ok, type Result } from '../domain/result.js';
import type { ConnectInfo } from '../domain/types.js';
import { applyCommand, type CommandError } from './apply-command.js';
import type { AppDeps } from './deps.js';

export interface Credentials {
  user: string;
  /** Shown once, in an ephemeral view; never stored, never logged. */
  password: string;
  connect: ConnectInfo;
  expiresAt: string;
}

type AccessError = CommandError | { code: 'not_active'; message: string };

/**
 * Show credentials: every reveal sets a fresh password (`ALTER USER`), so nothing durable ever holds a
 * working one. Recorded in the history (without the password).
 */
export async function revealCredentials(
  deps: AppDeps,
  input: { requestId: string; actor: string },
): Promise<Result<Credentials, AccessError>> {
  const noted = await applyCommand(deps, input.requestId, {
    type: 'note',
    actor: input.actor,
    event: 'credentials-issued',
  });
  if (!noted.ok) return noted;
  const request = noted.value.after;
  if (!request.account || !request.bastion || !request.expiresAt)
    return err({ code: 'not_active', message: 'this access is not active' });
  const password = generatePassword(deps.random);
  await deps.databases.forTarget(request.target).rotatePassword(request.account, password);
  return ok({
    user: request.account.user,
    password,
    connect: request.bastion.connect,
    expiresAt: request.expiresAt,
  });
}

/** Refresh grants: re-sync the tier's grants with the tables that exist now (protected tables still excluded). */
export async function refreshGrants(
  deps: AppDeps,
  input: { requestId: string; actor: string },
): Promise<Result<true, AccessError>> {
  const noted = await applyCommand(deps, input.requestId, {
    type: 'note',
    actor: input.actor,
    event: 'grants-refreshed',
  });
  if (!noted.ok) return noted;
  const request = noted.value.after;
  if (!request.account) return err({ code: 'not_active', message: 'this access is not active' });
  await deps.databases.forTarget(request.target).refreshGrants(request.account, request.tier);
  return ok(true);
}
