/**
 * The request lifecycle as one pure transition function: given a request, a command, the
 * policy and the time, it returns the next request (version + 1, one event appended) or the reason it
 * is refused. Persisting the result is one conditional write, so every command is applied at most once.
 */
import { type ActivityEvidence, recordedActivity } from './activity.js';
import { DrawbridgeError } from './errors.js';
import { sealEvent } from './history.js';
import { extensionWithinCaps, isApprover, quorumReached } from './policy.js';
import type { LifecycleTimings, TierPolicy } from './policy-types.js';
import { err, ok, type Result } from './result.js';
import {
  type AccessRequest,
  type Actor,
  type BastionRef,
  checkRequestShape,
  type DbAccountRef,
  type Decision,
  type EventType,
  POLICY,
  REQUEST_STATES,
  type RequestState,
  type RunResult,
  type StoredRequest,
  SYSTEM,
} from './types.js';

export type Command =
  /** `sqlSha256`: for a run, the hash of the SQL the approver was shown (the approval is bound to it). */
  | { type: 'approve'; actor: Actor; actorGroups: readonly string[]; sqlSha256?: string | undefined }
  | { type: 'deny'; actor: Actor; actorGroups: readonly string[]; reason?: string | undefined }
  | { type: 'auto-approve' }
  | { type: 'break-glass'; actor: Actor }
  | { type: 'expire' }
  | { type: 'cancel'; actor: Actor }
  | { type: 'start-provisioning' }
  | { type: 'bastion-launched'; bastionId: string }
  | { type: 'bastion-reachable'; bastion: BastionRef }
  | { type: 'account-created'; account: DbAccountRef; activityFrom?: string | undefined }
  | { type: 'scheduled' }
  | { type: 'activate' }
  | { type: 'warn' }
  | { type: 'request-extension'; actor: Actor; seconds: number }
  | { type: 'decide-extension'; actor: Actor; actorGroups: readonly string[]; verdict: 'approve' | 'deny' }
  | { type: 'begin-ending'; actor: Actor; reason: string }
  /** `lagging`: cleanup still to do after the network path was cut (alerted, retried by the sweeper). */
  | { type: 'end'; removed: readonly string[]; lagging?: readonly string[] }
  | { type: 'fail'; step: string; reason: string; leftovers: readonly string[] }
  /** A run has executed (or tried to) and its account is gone. */
  | { type: 'run-finished'; result: RunResult }
  | { type: 'review'; actor: Actor; actorGroups: readonly string[] }
  /** What the ended access executed, from the database's audit records (once per request). */
  | { type: 'record-activity'; evidence: ActivityEvidence }
  /** Record something that happened to live access without changing its state (credentials issued, grants refreshed). */
  | { type: 'note'; actor: Actor; event: 'credentials-issued' | 'grants-refreshed' };

export type TransitionError =
  | { code: 'illegal_transition'; message: string; state: RequestState }
  | { code: 'not_an_approver'; message: string }
  | { code: 'self_approval'; message: string }
  | { code: 'already_decided'; message: string }
  | { code: 'approval_window_closed'; message: string }
  | { code: 'not_requester'; message: string }
  | { code: 'extension_refused'; message: string }
  | { code: 'stale_approval'; message: string };

export interface TransitionContext {
  now: Date;
  policy: TierPolicy;
  timings: LifecycleTimings;
}

type Outcome = Result<AccessRequest, TransitionError>;
export type CommandType = Command['type'];
type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** A precondition of a command beyond its state: undefined when it holds, else why the command is refused. */
export type Guard<C = Command> = (
  request: AccessRequest,
  command: C,
  ctx: TransitionContext,
) => TransitionError | undefined;

type Move = (to: RequestState, type: EventType, actor: Actor, patch: Patch, details?: object) => Outcome;

/**
 * One row of the lifecycle: the states a command is legal from, the guards it must pass there (in order;
 * the first refusal is the answer), the states it can lead to, and what it does.
 */
export interface TransitionRule<T extends CommandType> {
  from: readonly RequestState[];
  guards: readonly Guard<CommandOf<T>>[];
  to: readonly RequestState[];
  /** How a command from any other state is refused (default: illegal_transition). */
  refuseState?: (request: AccessRequest, command: CommandOf<T>) => TransitionError;
  run: (request: AccessRequest, command: CommandOf<T>, ctx: TransitionContext, move: Move) => Outcome;
}

const ALL_STATES: readonly RequestState[] = [...REQUEST_STATES];
const IN_FLIGHT: readonly RequestState[] = ['approved', 'provisioning', 'active', 'warned', 'ending'];
const LIVE: readonly RequestState[] = ['active', 'warned'];

// ── Guards: small, named, each one rule of the policy ──────────────────────────────────────────────────

/** Only the requester may do this. */
export const byRequester: Guard<{ actor: Actor }> = (request, command) =>
  command.actor === request.requester.slackUserId ? undefined : NOT_REQUESTER;

/** Nobody decides on their own request. */
export const notOwnRequest: Guard<{ actor: Actor }> = (request, command) =>
  command.actor === request.requester.slackUserId
    ? { code: 'self_approval', message: 'you cannot approve or deny your own request' }
    : undefined;

/** Only an approver of the target and tier (directly or through a user group). */
export const byApprover: Guard<{ actor: Actor; actorGroups: readonly string[] }> = (
  _request,
  command,
  ctx,
) => (isApprover(ctx.policy, command.actor, command.actorGroups) ? undefined : NOT_APPROVER);

/** A request is decided before its approval deadline, or not at all. */
export const withinApprovalWindow: Guard<unknown> = (request, _command, ctx) =>
  ctx.now < new Date(request.approvalDeadline)
    ? undefined
    : {
        code: 'approval_window_closed',
        message: 'this request waited too long for a decision and has expired',
      };

/** One approval per approver. */
export const notApprovedYetByActor: Guard<{ actor: Actor }> = (request, command) =>
  request.approvals.some((d) => d.by === command.actor)
    ? { code: 'already_decided', message: 'you have already approved this request' }
    : undefined;

/** Break-glass self-approval only for a request submitted as break-glass. */
export const isBreakGlassRequest: Guard<Command> = (request, command) =>
  request.breakGlass ? undefined : illegal(request.state, command.type);

/** A request expires undecided only once its approval deadline has passed. */
export const approvalDeadlinePassed: Guard<Command> = (request, command, ctx) =>
  ctx.now < new Date(request.approvalDeadline) ? illegal(request.state, command.type) : undefined;

/** Access starts only once it has an expiry and an account. */
export const scheduledWithAccount: Guard<Command> = (request, command) =>
  request.expiresAt && request.account ? undefined : illegal(request.state, command.type);

/** One extension waits for approval at a time. */
export const noPendingExtension: Guard<unknown> = (request) =>
  request.pendingExtension
    ? { code: 'extension_refused', message: 'an extension is already waiting for approval' }
    : undefined;

/** Extensions stay within the tier's count and total. */
export const extensionWithinPolicy: Guard<{ seconds: number }> = (request, command, ctx) => {
  if (extensionWithinCaps(ctx.policy, request, command.seconds)) return undefined;
  const cap = ctx.policy.extension;
  return {
    code: 'extension_refused',
    message: `extensions are capped at ${cap.maxCount} and ${cap.maxTotalSeconds / 60} minutes in total`,
  };
};

/** There is an extension to decide on. */
export const extensionPending: Guard<Command> = (request, command) =>
  request.pendingExtension ? undefined : illegal(request.state, command.type);

/** Nobody decides on an extension of their own access. */
export const notOwnExtension: Guard<{ actor: Actor }> = (request, command, ctx) =>
  notOwnRequest(request, command, ctx);

/** One decision per approver on an extension. */
export const notDecidedExtensionYet: Guard<{ actor: Actor }> = (request, command) =>
  request.pendingExtension?.approvals.some((d) => d.by === command.actor)
    ? { code: 'already_decided', message: 'you have already decided this extension' }
    : undefined;

/** Break-glass access is reviewed once. */
export const unreviewedBreakGlass: Guard<Command> = (request, command) =>
  request.breakGlass && !request.breakGlass.reviewedBy ? undefined : illegal(request.state, command.type);

/** A run's approval is for the SQL the approver saw: the hash the Approve button carried must be the request's. */
export const approvesThisSql: Guard<{ sqlSha256?: string | undefined }> = (request, command) =>
  !request.run || command.sqlSha256 === request.run.sha256
    ? undefined
    : { code: 'stale_approval', message: 'the SQL you approved is not the SQL of this request' };

/** Only a run finishes as a run. */
export const isRun: Guard<Command> = (request, command) =>
  request.run ? undefined : illegal(request.state, command.type);

/** An access's activity is recorded once. */
export const activityNotRecordedYet: Guard<Command> = (request, command) =>
  recordedActivity(request) ? illegal(request.state, command.type) : undefined;

/** Only access that had an account has activity. */
export const hadAccount: Guard<Command> = (request, command) =>
  request.account ? undefined : illegal(request.state, command.type);

/** Nobody reviews their own break-glass access. */
export const notOwnBreakGlass: Guard<{ actor: Actor }> = (request, command) =>
  command.actor === request.requester.slackUserId
    ? { code: 'self_approval', message: 'you cannot review your own break-glass access' }
    : undefined;

// ── The table ───────────────────────────────────────────────────────────────────────────────────────────

/** A decision on a request that left `requested`: already decided, unless it closed undecided. */
const DECIDED: readonly RequestState[] = [
  'approved',
  'denied',
  'provisioning',
  'active',
  'warned',
  'ending',
  'ended',
  'failed',
];
const decisionRefused = (request: AccessRequest, command: Command): TransitionError =>
  DECIDED.includes(request.state)
    ? { code: 'already_decided', message: `this request was already decided (now ${request.state})` }
    : illegal(request.state, command.type);

/**
 * The lifecycle, one row per command: the readable specification, and what `transition` runs.
 * docs/architecture.md shows it as a table (kept in sync by test/domain/lifecycle-table.test.ts).
 */
export const LIFECYCLE: { readonly [T in CommandType]: TransitionRule<T> } = {
  approve: {
    from: ['requested'],
    guards: [notOwnRequest, byApprover, withinApprovalWindow, notApprovedYetByActor, approvesThisSql],
    to: ['requested', 'approved'],
    refuseState: decisionRefused,
    run: (request, command, ctx, move) => {
      const at = ctx.now.toISOString();
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
    },
  },
  deny: {
    from: ['requested'],
    guards: [notOwnRequest, byApprover, withinApprovalWindow],
    to: ['denied'],
    refuseState: decisionRefused,
    run: (_request, command, ctx, move) => {
      const denial: Decision = {
        by: command.actor,
        at: ctx.now.toISOString(),
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
    },
  },
  'auto-approve': {
    from: ['requested'],
    guards: [],
    to: ['approved'],
    run: (_request, _command, ctx, move) =>
      move(
        'approved',
        'approved',
        POLICY,
        { approvals: [{ by: POLICY, at: ctx.now.toISOString(), verdict: 'approve' }] },
        { auto: true },
      ),
  },
  'break-glass': {
    from: ['requested'],
    guards: [isBreakGlassRequest, byRequester],
    to: ['approved'],
    run: (request, command, ctx, move) =>
      move(
        'approved',
        'break-glass-approved',
        command.actor,
        { approvals: [{ by: command.actor, at: ctx.now.toISOString(), verdict: 'approve' as const }] },
        { justification: request.breakGlass?.justification },
      ),
  },
  expire: {
    from: ['requested'],
    guards: [approvalDeadlinePassed],
    to: ['expired'],
    run: (_request, _command, _ctx, move) => move('expired', 'expired', SYSTEM, {}),
  },
  cancel: {
    from: ['requested', 'approved'],
    guards: [byRequester],
    to: ['cancelled'],
    run: (_request, command, _ctx, move) => move('cancelled', 'cancelled', command.actor, {}),
  },
  'start-provisioning': {
    from: ['approved'],
    guards: [],
    to: ['provisioning'],
    // A run's provisioning is its whole execution: its time budget (`durationSeconds`) is added.
    run: (request, _command, ctx, move) =>
      move('provisioning', 'provisioning-started', SYSTEM, {
        provisioningDeadline: plus(
          ctx.now,
          ctx.timings.provisioningTimeoutSeconds + (request.run ? request.durationSeconds : 0),
        ),
      }),
  },
  'bastion-launched': {
    from: ['provisioning'],
    guards: [],
    to: ['provisioning'],
    run: (request, command, _ctx, move) =>
      move(
        request.state,
        'bastion-launched',
        SYSTEM,
        { bastionId: command.bastionId },
        { bastionId: command.bastionId },
      ),
  },
  'bastion-reachable': {
    from: ['provisioning'],
    guards: [],
    to: ['provisioning'],
    run: (request, command, _ctx, move) =>
      move(
        request.state,
        'bastion-reachable',
        SYSTEM,
        { bastion: command.bastion },
        { bastionId: command.bastion.id, sourceIp: command.bastion.sourceIp },
      ),
  },
  'account-created': {
    from: ['provisioning'],
    guards: [],
    to: ['provisioning'],
    run: (request, command, _ctx, move) =>
      move(
        request.state,
        'account-created',
        SYSTEM,
        {
          account: command.account,
          ...(command.activityFrom === undefined ? {} : { activityFrom: command.activityFrom }),
        },
        { account: `${command.account.user}@${command.account.host}` },
      ),
  },
  scheduled: {
    from: ['provisioning'],
    guards: [],
    to: ['provisioning'],
    run: (request, _command, ctx, move) => {
      const expiresAt = plus(ctx.now, request.durationSeconds);
      return move(request.state, 'scheduled', SYSTEM, { expiresAt }, { expiresAt });
    },
  },
  activate: {
    from: ['provisioning'],
    guards: [scheduledWithAccount],
    to: ['active'],
    run: (_request, _command, ctx, move) =>
      move('active', 'activated', SYSTEM, {
        activatedAt: ctx.now.toISOString(),
        provisioningDeadline: undefined,
      }),
  },
  warn: {
    from: ['active'],
    guards: [],
    to: ['warned'],
    run: (_request, _command, ctx, move) =>
      move('warned', 'warned', SYSTEM, { warnedAt: ctx.now.toISOString() }),
  },
  'request-extension': {
    from: LIVE,
    guards: [byRequester, noPendingExtension, extensionWithinPolicy],
    to: ['active', 'warned'],
    run: (request, command, ctx, move) => {
      const at = ctx.now.toISOString();
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
        request.state,
        'extension-requested',
        command.actor,
        { pendingExtension },
        { seconds: command.seconds },
      );
    },
  },
  'decide-extension': {
    from: LIVE,
    guards: [extensionPending, notOwnExtension, byApprover, notDecidedExtensionYet],
    to: ['active', 'warned'],
    run: (request, command, ctx, move) => {
      const pending = request.pendingExtension as NonNullable<AccessRequest['pendingExtension']>;
      if (command.verdict === 'deny')
        return move(request.state, 'extension-denied', command.actor, { pendingExtension: undefined });
      const approvals = [
        ...pending.approvals,
        { by: command.actor, at: ctx.now.toISOString(), verdict: 'approve' as const },
      ];
      if (!quorumReached(ctx.policy, approvals)) {
        return move(request.state, 'extension-approval-recorded', command.actor, {
          pendingExtension: { ...pending, approvals },
        });
      }
      return ok(extend(request, pending.seconds, command.actor, ctx, { ...pending, approvals }));
    },
  },
  'begin-ending': {
    from: LIVE,
    guards: [],
    to: ['ending'],
    run: (_request, command, _ctx, move) =>
      move('ending', 'ending', command.actor, { endReason: command.reason }, { reason: command.reason }),
  },
  end: {
    from: ['ending'],
    guards: [],
    to: ['ended'],
    run: (_request, command, ctx, move) =>
      move(
        'ended',
        'ended',
        SYSTEM,
        { endedAt: ctx.now.toISOString(), pendingExtension: undefined },
        command.lagging && command.lagging.length > 0
          ? { removed: command.removed, lagging: command.lagging }
          : { removed: command.removed },
      ),
  },
  fail: {
    from: IN_FLIGHT,
    guards: [],
    to: ['failed'],
    run: (_request, command, ctx, move) => {
      const failure = { step: command.step, reason: command.reason, leftovers: [...command.leftovers] };
      return move(
        'failed',
        'failed',
        SYSTEM,
        { failure, endedAt: ctx.now.toISOString(), pendingExtension: undefined },
        failure,
      );
    },
  },
  review: {
    from: ALL_STATES,
    guards: [unreviewedBreakGlass, notOwnBreakGlass, byApprover],
    to: ALL_STATES,
    run: (request, command, ctx, move) => {
      const breakGlass = {
        ...(request.breakGlass as NonNullable<AccessRequest['breakGlass']>),
        reviewedBy: command.actor,
        reviewedAt: ctx.now.toISOString(),
      };
      return move(request.state, 'reviewed', command.actor, { breakGlass });
    },
  },
  'run-finished': {
    from: ['provisioning'],
    guards: [isRun],
    to: ['ended'],
    run: (_request, command, ctx, move) => {
      const { outcome, message, statements } = command.result;
      const exported = command.result.export;
      return move(
        'ended',
        'run-finished',
        SYSTEM,
        { runResult: command.result, endedAt: ctx.now.toISOString(), endReason: outcome },
        {
          outcome,
          message,
          statements,
          ...(exported ? { export: exported } : {}),
        },
      );
    },
  },
  'record-activity': {
    from: ['ended', 'failed'],
    guards: [hadAccount, activityNotRecordedYet],
    to: ['ended', 'failed'],
    run: (request, command, _ctx, move) =>
      move(request.state, 'activity-recorded', SYSTEM, {}, command.evidence),
  },
  note: {
    from: LIVE,
    guards: [byRequester],
    to: ['active', 'warned'],
    run: (request, command, _ctx, move) => move(request.state, command.event, command.actor, {}),
  },
};

/** Why the command may not run on this request now (its state, then its guards in order), if it may not. */
export function refusalOf(
  request: AccessRequest,
  command: Command,
  ctx: TransitionContext,
): TransitionError | undefined {
  return refusalBy(ruleOf(command), request, command, ctx);
}

export function transition(request: AccessRequest, command: Command, ctx: TransitionContext): Outcome {
  const rule = ruleOf(command);
  const refusal = refusalBy(rule, request, command, ctx);
  if (refusal) return err(refusal);
  const at = ctx.now.toISOString();
  const move: Move = (to, type, actor, patch, details) =>
    ok(apply(request, { to, type, actor, at, patch, details, ctx }));
  return rule.run(request, command, ctx, move);
}

/** The row of `command` (the table is keyed by type, so the row's command type is the command's). */
const ruleOf = (command: Command) => LIFECYCLE[command.type] as unknown as TransitionRule<CommandType>;

function refusalBy(
  rule: TransitionRule<CommandType>,
  request: AccessRequest,
  command: Command,
  ctx: TransitionContext,
): TransitionError | undefined {
  if (!rule.from.includes(request.state)) {
    return rule.refuseState?.(request, command) ?? illegal(request.state, command.type);
  }
  for (const guard of rule.guards) {
    const refusal = guard(request, command, ctx);
    if (refusal) return refusal;
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
  type: EventType;
  actor: Actor;
  at: string;
  patch: Patch;
  details: object | undefined;
  ctx: TransitionContext;
}

function apply(request: AccessRequest, change: Change): AccessRequest {
  // The patch may hold explicit `undefined`s (removals, deleted just below); the shape is checked after.
  const merged = {
    ...request,
    ...change.patch,
    state: change.to,
    version: request.version + 1,
  } as StoredRequest;
  // A new version carries no seal until the store signs it.
  delete merged.seal;
  // An explicit `undefined` in a patch removes the attribute (exactOptionalPropertyTypes keeps the shape honest).
  for (const [key, value] of Object.entries(change.patch)) {
    if (value === undefined) delete (merged as unknown as Record<string, unknown>)[key];
  }
  // Every result is checked against what its state guarantees: a rule that forgot a field fails here, loudly,
  // instead of writing a request the store would refuse to read back.
  const shaped = checkRequestShape(merged);
  if (!shaped.ok) {
    throw new DrawbridgeError(
      'lifecycle_invariant',
      `${change.type} would leave request ${request.id} ${change.to} without ${shaped.missing.join(', ')}`,
    );
  }
  const next = shaped.value;
  const dueAt = dueAtOf(next, change.ctx);
  if (dueAt) next.dueAt = dueAt;
  else delete next.dueAt;
  const event = sealEvent(request.events, {
    at: change.at,
    actor: change.actor,
    type: change.type,
    from: request.state,
    to: change.to,
    ...(change.details ? { details: { ...change.details } } : {}),
  });
  next.events = [...request.events, event];
  return next;
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

function illegal(state: RequestState, command: string): TransitionError {
  return {
    code: 'illegal_transition',
    state,
    message: `cannot ${command.replace('-', ' ')} a request that is ${state}`,
  };
}

const NOT_REQUESTER: TransitionError = { code: 'not_requester', message: 'only the requester can do that' };
const NOT_APPROVER: TransitionError = {
  code: 'not_an_approver',
  message: 'you are not an approver for this target and tier',
};

function plus(date: Date, seconds: number): string {
  return new Date(date.getTime() + seconds * 1000).toISOString();
}
