import { reasonOf } from '../domain/errors.js';
import { effectiveTierPolicy } from '../domain/policy.js';
import {
  hasAccount,
  isLaunched,
  isProvisioning,
  isReachable,
  isScheduled,
  type Launched,
  type Reachable,
  reached,
  type Scheduled,
  type WithAccount,
} from '../domain/request-stages.js';
import type { Command } from '../domain/state-machine.js';
import { type AccessRequest, TERMINAL_STATES } from '../domain/types.js';
import { applyCommand, commitFrom, tell } from './apply-command.js';
import { beforeDeadline } from './deadline.js';
import type { AppDeps } from './deps.js';
import { createOwnedAccount, launchOwnedBastion } from './owned-resources.js';
import { activityPosition } from './record-activity.js';
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

/** Another runner moved the request on; this one stops without compensating what the other one owns. */
class Superseded extends Error {}

/**
 * The provisioning saga: launch → reachable → account → schedules → active → tell.
 * Every step is idempotent and recorded by a conditional write from the version this runner holds, so a
 * duplicate delivery loses a write and stops, and `resume` (after a crash) continues where the record ends.
 * Any failure compensates everything and ends `failed`, with the reason, and tells the people involved.
 */
export async function provisionAccess(
  deps: AppDeps,
  requestId: string,
  options: { resume?: boolean } = {},
): Promise<ProvisionOutcome> {
  const started = await applyCommand(deps, requestId, { type: 'start-provisioning' });
  const found = started.ok ? started.value.after : await deps.store.get(requestId);
  if (!found || !isProvisioning(found) || (!started.ok && !options.resume)) {
    return { outcome: 'skipped', state: found?.state ?? 'missing' };
  }
  let current: AccessRequest = found;

  const record = async (command: Command): Promise<AccessRequest> => {
    const next = await commitFrom(deps, current, command);
    if (!next.ok) throw new Superseded(next.error.message);
    current = next.value;
    return current;
  };
  // The provisioning timeout is enforced here, in the run itself: a step that would end past the deadline
  // fails at the deadline (and is compensated) instead of waiting for the next sweep.
  const deadline = Date.parse(found.provisioningDeadline);
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await beforeDeadline(
        action(),
        deadline - deps.clock.now().getTime(),
        'provisioning took longer than the configured timeout',
      );
    } catch (e) {
      throw e instanceof StepFailed || e instanceof Superseded ? e : new StepFailed(name, e);
    }
  };

  try {
    const request = found;
    let launched: Launched;
    if (isLaunched(current)) {
      launched = current;
    } else {
      await tell(deps, { kind: 'progress', request: current, step: 'launching' });
      const bastionId = await step('launch-bastion', () =>
        launchOwnedBastion(deps, {
          requestId,
          target: request.target,
          owner: request.requester.slackUserId,
          expiresAt: new Date(deps.clock.now().getTime() + request.durationSeconds * 1000),
          // The dead-man switch cannot be moved later, so it covers every extension the tier allows.
          shutdownAfterSeconds:
            request.durationSeconds +
            effectiveTierPolicy(deps.policies, request).extension.maxTotalSeconds +
            deps.timings.deadManGraceSeconds,
        }),
      );
      launched = reached(
        await record({ type: 'bastion-launched', bastionId }),
        isLaunched,
        'bastion-launched',
      );
    }
    let reachable: Reachable;
    if (isReachable(launched)) {
      reachable = launched;
      if (options.resume) {
        // A resumed run says "ready" only for a bastion that still carries traffic: a local one died with the
        // process, an instance may have been stopped. Gone, or not the same address: fail and compensate.
        const recorded = reachable.bastion;
        const now = await step('wait-reachable', () =>
          deps.bastions.waitReachable(recorded.id, request.target),
        );
        if (now.sourceIp !== recorded.sourceIp) {
          throw new StepFailed(
            'wait-reachable',
            new Error(`bastion ${recorded.id} came back with another address`),
          );
        }
      }
    } else {
      const bastionId = launched.bastionId;
      const bastion = await step('wait-reachable', () =>
        deps.bastions.waitReachable(bastionId, request.target),
      );
      reachable = reached(
        await record({ type: 'bastion-reachable', bastion }),
        isReachable,
        'bastion-reachable',
      );
      await tell(deps, { kind: 'progress', request: reachable, step: 'reachable' });
    }
    let withAccount: WithAccount;
    if (hasAccount(reachable)) {
      withAccount = reachable;
    } else {
      const account = { user: request.requester.dbUser, host: reachable.bastion.sourceIp };
      // The password is set and forgotten: the requester gets a fresh one from Show credentials.
      const onAccount = reachable;
      // Where the audit records stand before the account exists: its activity is read on from here.
      const activityFrom = await activityPosition(deps, request.target);
      await step('create-account', () => createOwnedAccount(deps, onAccount, account));
      withAccount = reached(
        await record({ type: 'account-created', account, activityFrom }),
        hasAccount,
        'account-created',
      );
      await tell(deps, { kind: 'progress', request: withAccount, step: 'account-ready' });
    }
    const scheduled: Scheduled = isScheduled(withAccount)
      ? withAccount
      : reached(await record({ type: 'scheduled' }), isScheduled, 'scheduled');
    const expiresAt = new Date(scheduled.expiresAt);
    await step('schedule', async () => {
      await deps.scheduler.schedule({
        requestId,
        kind: 'warn',
        at: new Date(expiresAt.getTime() - deps.timings.warnBeforeSeconds * 1000),
      });
      await deps.scheduler.schedule({ requestId, kind: 'teardown', at: expiresAt });
    });
    const active = await record({ type: 'activate' });
    // Telling the requester goes through the outbox: a Slack outage delays the DM, it never revokes access.
    await tell(deps, { kind: 'active', request: active });
    deps.logger.info('access active', { requestId, expiresAt: active.expiresAt });
    return { outcome: 'active', request: active };
  } catch (e) {
    if (e instanceof Superseded) return superseded(deps, requestId);
    const failure = e instanceof StepFailed ? e : new StepFailed('provision', e);
    return {
      outcome: 'failed',
      request: await compensate(deps, requestId, failure.step, reasonOf(failure.original)),
    };
  }
}

/** Lost a write: if the request has ended meanwhile, clean up what this runner may have added after its cleanup. */
async function superseded(deps: AppDeps, requestId: string): Promise<ProvisionOutcome> {
  const latest = await deps.store.get(requestId);
  if (latest && TERMINAL_STATES.includes(latest.state)) await releaseAccess(deps, latest);
  deps.logger.info('provisioning runner superseded', { requestId, state: latest?.state });
  return { outcome: 'skipped', state: latest?.state ?? 'missing' };
}

/** Undo whatever provisioning did, record why it failed, and tell requester and approvers. */
export async function compensate(
  deps: AppDeps,
  requestId: string,
  step: string,
  reason: string,
): Promise<AccessRequest> {
  const latest = await deps.store.get(requestId);
  if (!latest) throw new Error(`request ${requestId} vanished during compensation`);
  deps.logger.warn('provisioning failed, compensating', { requestId, step, reason });
  const released = await releaseAccess(deps, latest);
  const failed = await applyCommand(deps, requestId, {
    type: 'fail',
    step,
    reason,
    leftovers: released.leftovers,
  });
  const request = failed.ok ? failed.value.after : ((await deps.store.get(requestId)) ?? latest);
  if (failed.ok) await tell(deps, { kind: 'failed', request });
  return request;
}
