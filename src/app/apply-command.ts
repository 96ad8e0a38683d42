import { ConcurrentChangeError } from '../domain/errors.js';
import { effectiveTierPolicy } from '../domain/policy.js';
import { err, ok, type Result } from '../domain/result.js';
import { type Command, type TransitionError, transition } from '../domain/state-machine.js';
import type { AccessRequest } from '../domain/types.js';
import type { AppDeps } from './deps.js';

/**
 * A driving adapter's hook, called once the command is durably recorded and before anything slower (a
 * notification, a scheduler call): the Slack listeners acknowledge the click there, so an acknowledged
 * click is never lost to a crash.
 */
export interface OnRecorded {
  onRecorded?: (() => Promise<void>) | undefined;
}

export type CommandError = TransitionError | { code: 'not_found'; message: string };
export type Applied = { before: AccessRequest; after: AccessRequest };

/**
 * Load, transition, write conditionally; on a lost race reload and decide again, so the guards see the
 * winner's write (a second approval of a decided request becomes `already_decided`, not a second effect).
 */
export async function applyCommand(
  deps: Pick<AppDeps, 'store' | 'clock' | 'policies' | 'timings'>,
  requestId: string,
  command: Command | ((current: AccessRequest) => Command),
): Promise<Result<Applied, CommandError>> {
  let known: AccessRequest | undefined;
  for (let attempt = 1; ; attempt++) {
    const before = known ?? (await deps.store.get(requestId));
    known = undefined;
    if (!before) return err({ code: 'not_found', message: `no request ${requestId}` });
    const cmd = typeof command === 'function' ? command(before) : command;
    const ctx = {
      now: deps.clock.now(),
      policy: effectiveTierPolicy(deps.policies, before),
      timings: deps.timings,
    };
    const next = transition(before, cmd, ctx);
    if (!next.ok) return next;
    try {
      await deps.store.update(next.value, before.events.length);
      return ok({ before, after: next.value });
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError) || attempt >= 8) throw e;
      // The winner's write, when the store returned it: decide again from it without reading it back.
      known = (e as ConcurrentChangeError<AccessRequest>).winner;
    }
  }
}

/**
 * One conditional write from a version the caller already holds, without retry: for a saga runner, losing
 * the race means another runner is driving this request and this one must stop (`superseded`).
 */
export async function commitFrom(
  deps: Pick<AppDeps, 'store' | 'clock' | 'policies' | 'timings'>,
  current: AccessRequest,
  command: Command,
): Promise<Result<AccessRequest, TransitionError | { code: 'superseded'; message: string }>> {
  const ctx = {
    now: deps.clock.now(),
    policy: effectiveTierPolicy(deps.policies, current),
    timings: deps.timings,
  };
  const next = transition(current, command, ctx);
  if (!next.ok) return next;
  try {
    await deps.store.update(next.value, current.events.length);
    return ok(next.value);
  } catch (e) {
    if (e instanceof ConcurrentChangeError)
      return err({ code: 'superseded', message: `request ${current.id} changed under this runner` });
    throw e;
  }
}

/** Notifications go through the durable outbox (deliver-notifications.ts). */
export { tell } from './deliver-notifications.js';
