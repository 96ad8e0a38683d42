import { reasonOf } from '../domain/errors.js';
import { withAcceptedPassword } from '../domain/password.js';
import type { WorkItem } from '../domain/ports.js';
import { isLive } from '../domain/request-stages.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Credentials } from '../domain/types.js';
import { applyCommand, type CommandError } from './apply-command.js';
import type { AppDeps } from './deps.js';

export type { Credentials } from '../domain/types.js';

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
  if (!isLive(request)) return err({ code: 'not_active', message: 'this access is not active' });
  const db = deps.databases.forTarget(request.target);
  const password = await withAcceptedPassword(deps.random, (p) => db.rotatePassword(request.account, p));
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
  if (!isLive(request)) return err({ code: 'not_active', message: 'this access is not active' });
  await deps.databases.forTarget(request.target).refreshGrants(request.account, request.tier);
  return ok(true);
}

/**
 * The worker's side of Show credentials and Refresh grants: the click was acked (and the modal opened) by
 * the Slack side, which holds no database credential; the answer goes straight back to the person who
 * clicked, never through the outbox. A database that fails is an answer too — the modal never hangs.
 */
export async function answerAccessClick(
  deps: AppDeps,
  item: Extract<WorkItem, { kind: 'reveal-credentials' | 'refresh-grants' }>,
): Promise<void> {
  const input = { requestId: item.requestId, actor: item.actor };
  if (item.kind === 'reveal-credentials') {
    const result = await revealCredentials(deps, input).catch((e: unknown) => failedOn(deps, item, e));
    await deps.replies.showCredentials(
      item.viewId,
      result.ok ? { ok: true, credentials: result.value } : { ok: false, message: result.error.message },
    );
    return;
  }
  const result = await refreshGrants(deps, input).catch((e: unknown) => failedOn(deps, item, e));
  await deps.replies.reply(
    item.responseUrl,
    result.ok
      ? 'Grants refreshed: tables created since you connected are now granted (protected tables excepted).'
      : result.error.message,
  );
}

function failedOn(deps: AppDeps, item: WorkItem, error: unknown) {
  deps.logger.error('access click failed', { kind: item.kind, error: reasonOf(error) });
  return err({
    code: 'database_unavailable' as const,
    message: 'The database did not answer; try again in a moment.',
  });
}
