/**
 * The request lifecycle as one pure transition function: given a request, a command, the
 * policy and the time, it returns the next request (version + 1, one event appended) or the reason it
 * is refused. Persisting the result is one conditional write, so every command is applied at most once.
 */
import { sealEvent } from './history.js';
import { extensionWithinCaps, isApprover, quorumReached } from './policy.js';
import type { LifecycleTimings, TierPolicy } from './policy-types.js';
import { err, ok, type Result } from './result.js';
import {
  type AccessRequest,
  type Actor,
  type BastionRef,
  type DbAccountRef,
  type Decision,
  POLICY,
  type RequestState,
  SYSTEM,
} from './types.js';

export type Command =
  | { type: 'approve'; actor: Actor; actorGroups: readonly string[] }
  | { type: 'deny'; actor: Actor; actorGroups: readonly string[]; reason?: string | undefined }
  | { type: 'auto-approve' }
  | { type: 'break-glass'; actor: Actor }
  | { type: 'expire' }
  | { type: 'cancel'; actor: Actor }
  | { type: 'start-provisioning' }
  | { type: 'bastion-launched'; bastionId: string }
  | { type: 'bastion-reachable'; bastion: BastionRef }
  | { type: 'account-created'; account: DbAccountRef }
  | { type: 'scheduled' }
  | { type: 'activate' }
  | { type: 'warn' }
  | { type: 'request-extension'; actor: Actor; seconds: number }
  | { type: 'decide-extension'; actor: Actor; actorGroups: readonly string[]; verdict: 'approve' | 'deny' }
  | { type: 'begin-ending'; actor: Actor; reason: string }
  /** `lagging`: cleanup still to do after the network path was cut (alerted, retried by the sweeper). */
  | { type: 'end'; removed: readonly string[]; lagging?: readonly string[] }
  | { type: 'fail'; step: string; reason: string; leftovers: readonly string[] }
  | { type: 'review'; actor: Actor; actorGroups: readonly string[] }
  /** Record something that happened to live access without changing its state (credentials issued, grants refreshed). */
  | { type: 'note'; actor: Actor; event: 'credentials-issued' | 'grants-refreshed' };

export type TransitionError =
  | { code: 'illegal_transition'; message: string; state: RequestState }
  | { code: 'not_an_approver'; message: string }
  | { code: 'self_approval'; message: string }
  | { code: 'already_decided'; message: string }
  | { code: 'approval_window_closed'; message: string }
  | { code: 'not_requester'; message: string }
  | { code: 'extension_refused'; message: string };

export interface TransitionContext {
  now: Date;
  policy: TierPolicy;
  timings: LifecycleTimings;
}

type Outcome = Result<AccessRequest, TransitionError>;

const IN_FLIGHT: readonly RequestState[] = ['approved', 'provisioning', 'active', 'warned', 'ending'];

export function transition(request: AccessRequest, command: Command, ctx: TransitionContext): Outcome {
  const at = ctx.now.toISOString();
  const move = (to: RequestState, type: string, actor: Actor, patch: Patch, details?: object) =>
    ok(apply(request, { to, type, actor, at, patch, details, ctx }));
  const illegal = (): Outcome => illegalTransition(request.state, command.type);
  const s = request.state;

  switch (command.type) {
    case 'approve': {
      if (s !== 'requested') return alreadyDecidedOr(request, illegal);
      const refusal = approvalRefusal(request, command.actor, command.actorGroups, ctx);
      if (refusal) return err(refusal);
      if (request.approvals.some((d) => d.by === command.actor)) {
        return err({ code: 'already_decided', message: 'you have already approved this request' });
      }
      const approvals = [...request.approvals, { by: command.actor, at, verdict: 'approve' as const }];
      const done = quorumReached(ctx.policy, approvals);
      const details = { approvals: approvals.length, required: ctx.policy.approvalsRequired };
      return move(
        done ? 'approved' : 'requested',
        done ? 'approved' : 'approval-recorded',
        command.actor,
        { approvals },
        details,
      );
    }
    case 'deny': {
      if (s !== 'requested') return alreadyDecidedOr(request, illegal);
      const refusal = approvalRefusal(request, command.actor, command.actorGroups, ctx);
      if (refusal) return err(refusal);
      const denial: Decision = {
        by: command.actor,
        at,
        verdict: 'deny',
        ...(command.reason ? { reason: command.reason } : {}),
      };
      return move(
        'denied',
        'denied',
        command.actor,
        { denial },
        command.reason ? { reason: command.reason } : undefined,
      );
    }
    case 'auto-approve':
      if (s !== 'requested') return illegal();
      return move(
        'approved',
        'approved',
        POLICY,
        { approvals: [{ by: POLICY, at, verdict: 'approve' }] },
        { auto: true },
      );
    case 'break-glass': {
      if (s !== 'requested' || !request.breakGlass) return illegal();
      if (command.actor !== request.requester.slackUserId) return notRequester();
      const approvals = [{ by: command.actor, at, verdict: 'approve' as const }];
      return move(
        'approved',
        'break-glass-approved',
        command.actor,
        { approvals },
        { justification: request.breakGlass.justification },
      );
    }
    case 'expire':
      if (s !== 'requested') return illegal();
      if (ctx.now < new Date(request.approvalDeadline)) return illegal();
      return move('expired', 'expired', SYSTEM, {});
    case 'cancel':
      if (s !== 'requested' && s !== 'approved') return illegal();
      if (command.actor !== request.requester.slackUserId) return notRequester();
      return move('cancelled', 'cancelled', command.actor, {});
    case 'start-provisioning': {
      if (s !== 'approved') return illegal();
      const provisioningDeadline = plus(ctx.now, ctx.timings.provisioningTimeoutSeconds);
      return move('provisioning', 'provisioning-started', SYSTEM, { provisioningDeadline });
    }
    case 'bastion-launched':
      if (s !== 'provisioning') return illegal();
      return move(
        s,
        'bastion-launched',
        SYSTEM,
        { bastionId: command.bastionId },
        { bastionId: command.bastionId },
      );
    case 'bastion-reachable':
      if (s !== 'provisioning') return illegal();
      return move(
        s,
        'bastion-reachable',
        SYSTEM,
        { bastion: command.bastion },
        { bastionId: command.bastion.id, sourceIp: command.bastion.sourceIp },
      );
    case 'account-created':
      if (s !== 'provisioning') return illegal();
      return move(
        s,
        'account-created',
        SYSTEM,
        { account: command.account },
        { account: `${command.account.user}@${command.account.host}` },
      );
    case 'scheduled': {
      if (s !== 'provisioning') return illegal();
      const expiresAt = plus(ctx.now, request.durationSeconds);
      return move(s, 'scheduled', SYSTEM, { expiresAt }, { expiresAt });
    }
    case 'activate':
      if (s !== 'provisioning' || !request.expiresAt || !request.account) return illegal();
      return move('active', 'activated', SYSTEM, { activatedAt: at, provisioningDeadline: undefined });
    case 'warn':
      if (s !== 'active') return illegal();
      return move('warned', 'warned', SYSTEM, { warnedAt: at });
    case 'request-extension': {
      if (s !== 'active' && s !== 'warned') return illegal();
      if (command.actor !== request.requester.slackUserId) return notRequester();
      if (request.pendingExtension)
        return err({ code: 'extension_refused', message: 'an extension is already waiting for approval' });
      if (!extensionWithinCaps(ctx.policy, request, command.seconds)) {
        const cap = ctx.policy.extension;
        return err({
          code: 'extension_refused',
          message: `extensions are capped at ${cap.maxCount} and ${cap.maxTotalSeconds / 60} minutes in total`,
        });
      }
      const pendingExtension = {
        seconds: command.seconds,
        requestedBy: command.actor,
        requestedAt: at,
        approvals: [],
      };
      if (ctx.policy.extension.autoApprove) {
        return ok(
          extend(request, pendingExtension.seconds, POLICY, ctx, {
            ...pendingExtension,
            approvals: [{ by: POLICY, at, verdict: 'approve' }],
          }),
        );
      }
      return move(
        s,
        'extension-requested',
        command.actor,
        { pendingExtension },
        { seconds: command.seconds },
      );
    }
    case 'decide-extension': {
      const pending = request.pendingExtension;
      if ((s !== 'active' && s !== 'warned') || !pending) return illegal();
      const refusal = approvalRefusal(request, command.actor, command.actorGroups, ctx, true);
      if (refusal) return err(refusal);
      if (pending.approvals.some((d) => d.by === command.actor))
        return err({ code: 'already_decided', message: 'you have already decided this extension' });
      if (command.verdict === 'deny')
        return move(s, 'extension-denied', command.actor, { pendingExtension: undefined });
      const approvals = [...pending.approvals, { by: command.actor, at, verdict: 'approve' as const }];
      if (!quorumReached(ctx.policy, approvals)) {
        return move(s, 'extension-approval-recorded', command.actor, {
          pendingExtension: { ...pending, approvals },
        });
      }
      return ok(extend(request, pending.seconds, command.actor, ctx, { ...pending, approvals }));
    }
    case 'begin-ending':
      if (s !== 'active' && s !== 'warned') return illegal();
      return move(
        'ending',
        'ending',
        command.actor,
        { endReason: command.reason },
        { reason: command.reason },
      );
    case 'end':
      if (s !== 'ending') return illegal();
      return move(
        'ended',
        'ended',
        SYSTEM,
        { endedAt: at, pendingExtension: undefined },
        command.lagging && command.lagging.length > 0
          ? { removed: command.removed, lagging: command.lagging }
          : { removed: command.removed },
      );
    case 'fail': {
      if (!IN_FLIGHT.includes(s)) return illegal();
      const failure = { step: command.step, reason: command.reason, leftovers: [...command.leftovers] };
      return move('failed', 'failed', SYSTEM, { failure, endedAt: at, pendingExtension: undefined }, failure);
    }
    case 'note':
      if (s !== 'active' && s !== 'warned') return illegal();
      if (command.actor !== request.requester.slackUserId) return notRequester();
      return move(s, command.event, command.actor, {});
    case 'review': {
      if (!request.breakGlass || request.breakGlass.reviewedBy) return illegal();
      if (command.actor === request.requester.slackUserId)
        return err({ code: 'self_approval', message: 'you cannot review your own break-glass access' });
      if (!isApprover(ctx.policy, command.actor, command.actorGroups)) return notApprover();
      const breakGlass = { ...request.breakGlass, reviewedBy: command.actor, reviewedAt: at };
      return move(s, 'reviewed', command.actor, { breakGlass });
    }
  }
}

/** Why `actor` may not decide on this request (or its pending extension), if they may not. */
function approvalRefusal(
  request: AccessRequest,
  actor: Actor,
  groups: readonly string[],
  ctx: TransitionContext,
  extension = false,
): TransitionError | undefined {
  if (actor === request.requester.slackUserId) {
    return { code: 'self_approval', message: 'you cannot approve or deny your own request' };
  }
  if (!isApprover(ctx.policy, actor, groups)) return notApprover().error;
  if (!extension && ctx.now >= new Date(request.approvalDeadline)) {
    return {
      code: 'approval_window_closed',
      message: 'this request waited too long for a decision and has expired',
    };
  }
  return undefined;
}

function extend(
  request: AccessRequest,
  seconds: number,
  actor: Actor,
  ctx: TransitionContext,
  decided: object,
): AccessRequest {
  const expiresAt = plus(new Date(request.expiresAt ?? ctx.now.toISOString()), seconds);
  return apply(request, {
    to: 'active',
    type: 'extended',
    actor,
    at: ctx.now.toISOString(),
    ctx,
    patch: {
      expiresAt,
      warnedAt: undefined,
      pendingExtension: undefined,
      extensions: {
        count: request.extensions.count + 1,
        totalSeconds: request.extensions.totalSeconds + seconds,
      },
    },
    details: { seconds, expiresAt, extension: decided },
  });
}

/** Attributes to set; an explicit `undefined` removes one. */
type Patch = { [K in keyof AccessRequest]?: AccessRequest[K] | undefined };

interface Change {
  to: RequestState;
  type: string;
  actor: Actor;
  at: string;
  patch: Patch;
  details: object | undefined;
  ctx: TransitionContext;
}

function apply(request: AccessRequest, change: Change): AccessRequest {
  const merged = {
    ...request,
    ...change.patch,
    state: change.to,
    version: request.version + 1,
  } as AccessRequest;
  // An explicit `undefined` in a patch removes the attribute (exactOptionalPropertyTypes keeps the shape honest).
  for (const [key, value] of Object.entries(change.patch)) {
    if (value === undefined) delete (merged as unknown as Record<string, unknown>)[key];
  }
  const dueAt = dueAtOf(merged, change.ctx);
  if (dueAt) merged.dueAt = dueAt;
  else delete merged.dueAt;
  const event = sealEvent(request.events, {
    at: change.at,
    actor: change.actor,
    type: change.type,
    from: request.state,
    to: change.to,
    ...(change.details ? { details: { ...change.details } } : {}),
  });
  merged.events = [...request.events, event];
  return merged;
}

/** When the system must next look at the request: the sweeper's index is sorted by this. */
export function dueAtOf(request: AccessRequest, ctx: TransitionContext): string | undefined {
  switch (request.state) {
    case 'requested':
      return request.approvalDeadline;
    case 'approved':
    case 'ending':
      return plus(ctx.now, ctx.timings.provisioningTimeoutSeconds);
    case 'provisioning':
      return request.provisioningDeadline;
    case 'active':
    case 'warned':
      return request.expiresAt;
    default:
      return request.endedAt ?? ctx.now.toISOString();
  }
}

function alreadyDecidedOr(request: AccessRequest, otherwise: () => Outcome): Outcome {
  if (request.state === 'requested') return otherwise();
  const decided = ['approved', 'denied', 'provisioning', 'active', 'warned', 'ending', 'ended', 'failed'];
  if (decided.includes(request.state)) {
    return err({
      code: 'already_decided',
      message: `this request was already decided (now ${request.state})`,
    });
  }
  return otherwise();
}

function illegalTransition(state: RequestState, command: string): Outcome {
  return err({
    code: 'illegal_transition',
    state,
    message: `cannot ${command.replace('-', ' ')} a request that is ${state}`,
  });
}

const notRequester = (): Outcome => err({ code: 'not_requester', message: 'only the requester can do that' });
const notApprover = () =>
  err({ code: 'not_an_approver' as const, message: 'you are not an approver for this target and tier' });

function plus(date: Date, seconds: number): string {
  return new Date(date.getTime() + seconds * 1000).toISOString();
}
