import { reasonOf } from '../domain/errors.js';
import { generatePassword } from '../domain/password.js';
import type { Command } from '../domain/state-machine.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, tell, tierPolicyOf } from './apply-command.js';
import type { AppDeps } from './deps.js';
import { releaseAccess } from './release-access.js';

export type ProvisionOutcome =
  | { outcome: 'active'; request: AccessRequest }
  | { outcome: 'failed'; request: AccessRequest }
  | { outcome: 'skipped'; state: string };

/** Thrown inside the saga to name the step that failed. */
class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly original: unknown,
  ) {
    super(`${step}: ${reasonOf(original)}`);
  }
}

/**
 * The provisioning saga (DESIGN §1): launch → reachable → account → schedules → tell → active.
 * Every step is idempotent and recorded, so running this again on a `provisioning` request (after a crash,
 * or a duplicate delivery) resumes where it stopped. Any failure compensates everything and ends `failed`.
 */
export async function provisionAccess(deps: AppDeps, requestId: string): Promise<ProvisionOutcome> {
  const started = await applyCommand(deps, requestId, { type: 'start-provisioning' });
  let request = started.ok ? started.value.after : await deps.store.get(requestId);
  if (!request || request.state !== 'provisioning') return { outcome: 'skipped', state: request?.state ?? 'missing' };

  const record = async (step: string, command: Command) => {
    const applied = await applyCommand(deps, requestId, command);
    if (!applied.ok) throw new StepFailed(step, new Error(`request is no longer provisioning (${applied.error.message})`));
    request = applied.value.after;
    return request;
  };
  const run = async <T>(step: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (e) {
      throw e instanceof StepFailed ? e : new StepFailed(step, e);
    }
  };

  try {
    let current: AccessRequest = request;
    if (!current.bastionId) {
      await tell(deps, { kind: 'progress', request: current, step: 'launching' });
      const launched = await run('launch-bastion', () =>
        deps.bastions.launch({
          requestId,
          target: current.target,
          owner: current.requester.slackUserId,
          expiresAt: new Date(deps.clock.now().getTime() + current.durationSeconds * 1000),
          // The dead-man switch cannot be moved later, so it covers every extension the tier allows.
          shutdownAfterSeconds:
            current.durationSeconds + tierPolicyOf(deps, current).extension.maxTotalSeconds + deps.timings.deadManGraceSeconds,
        }),
      );
      current = await record('launch-bastion', { type: 'bastion-launched', bastionId: launched.id });
    }
    if (!current.bastion) {
      const bastionId = current.bastionId as string;
      const bastion = await run('wait-reachable', () => deps.bastions.waitReachable(bastionId, current.target));
      current = await record('wait-reachable', { type: 'bastion-reachable', bastion });
      await tell(deps, { kind: 'progress', request: current, step: 'reachable' });
    }
    if (!current.account) {
      const account = { user: current.requester.dbUser, host: (current.bastion as { sourceIp: string }).sourceIp };
      // The password is set and forgotten: the requester gets a fresh one from Show credentials.
      const tier = current.tier;
      await run('create-account', () => deps.databases.forTarget(current.target).createAccount(account, tier, generatePassword(deps.random)));
      current = await record('create-account', { type: 'account-created', account });
      await tell(deps, { kind: 'progress', request: current, step: 'account-ready' });
    }
    if (!current.expiresAt) current = await record('schedule', { type: 'scheduled' });
    const expiresAt = new Date(current.expiresAt as string);
    await run('schedule', async () => {
      await deps.scheduler.schedule({ requestId, kind: 'warn', at: new Date(expiresAt.getTime() - deps.timings.warnBeforeSeconds * 1000) });
      await deps.scheduler.schedule({ requestId, kind: 'teardown', at: expiresAt });
    });
    const active = await record('activate', { type: 'activate' });
    // Telling the requester is part of the saga: access nobody knows how to use is access to take back.
    await run('notify-requester', () => deps.notifier.notify({ kind: 'active', request: active }));
    deps.logger.info('access active', { requestId, expiresAt: active.expiresAt });
    return { outcome: 'active', request: active };
  } catch (e) {
    const failure = e instanceof StepFailed ? e : new StepFailed('provision', e);
    return { outcome: 'failed', request: await compensate(deps, requestId, failure.step, reasonOf(failure.original)) };
  }
}

/** Undo whatever provisioning did, record why it failed, and tell requester and approvers. */
export async function compensate(deps: AppDeps, requestId: string, step: string, reason: string): Promise<AccessRequest> {
  const latest = await deps.store.get(requestId);
  if (!latest) throw new Error(`request ${requestId} vanished during compensation`);
  deps.logger.warn('provisioning failed, compensating', { requestId, step, reason });
  const released = await releaseAccess(deps, latest);
  const failed = await applyCommand(deps, requestId, { type: 'fail', step, reason, leftovers: released.leftovers });
  const request = failed.ok ? failed.value.after : ((await deps.store.get(requestId)) ?? latest);
  if (failed.ok) await tell(deps, { kind: 'failed', request });
  return request;
}
