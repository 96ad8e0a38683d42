import { formatDuration } from './duration.js';
import type { TargetPolicy, TierPolicy } from './policy-types.js';
import { err, ok, type Result } from './result.js';
import type { AccessRequest, Decision, Tier } from './types.js';

export type PolicyError =
  | { code: 'unknown_tier'; message: string }
  | { code: 'duration_too_long'; message: string }
  | { code: 'reason_required'; message: string }
  | { code: 'ticket_required'; message: string }
  | { code: 'break_glass_disabled'; message: string }
  | { code: 'justification_required'; message: string };

export interface SubmissionInput {
  tier: Tier;
  durationSeconds: number;
  reason: string;
  ticket?: string | undefined;
  breakGlass?: { justification: string } | undefined;
}

/**
 * The policy of a tier a target no longer offers (or a target removed from the config): what is still live
 * on it has to be torn down, but it keeps no approvers and allows no extension.
 */
const RETIRED_TIER: TierPolicy = {
  approvers: [],
  approvalsRequired: 1,
  maxDurationSeconds: 0,
  requireReason: true,
  requireTicket: false,
  approvalTimeoutSeconds: 0,
  autoApprove: false,
  extension: { maxCount: 0, maxTotalSeconds: 0, autoApprove: false },
  privileges: [],
  limits: { maxPending: 0, maxLive: 0, maxPerHour: 0 },
  runs: { statementTimeoutSeconds: 0, maxRows: 0, maxBytes: 0 },
};

/** The policy the config offers now for a request's target and tier, if it still does. */
export function currentTierPolicy(
  policies: ReadonlyMap<string, TargetPolicy>,
  request: { target: string; tier: Tier },
): TierPolicy | undefined {
  return policies.get(request.target)?.tiers[request.tier];
}

/** The policy a request's commands are judged by: the current one, or RETIRED_TIER when it is gone. */
export function effectiveTierPolicy(
  policies: ReadonlyMap<string, TargetPolicy>,
  request: { target: string; tier: Tier },
): TierPolicy {
  return currentTierPolicy(policies, request) ?? RETIRED_TIER;
}

/** The tier's policy on a target, or a clear refusal when the target does not offer that tier. */
export function tierPolicy(target: TargetPolicy, tier: Tier): Result<TierPolicy, PolicyError> {
  const policy = target.tiers[tier];
  if (!policy) {
    const offered = Object.keys(target.tiers).join(', ') || 'none';
    return err({
      code: 'unknown_tier',
      message: `${target.name} does not offer ${tier} (offered: ${offered})`,
    });
  }
  return ok(policy);
}

/** Guards of a new request: tier offered, duration within the maximum, reason/ticket where required, break-glass allowed. */
export function checkSubmission(
  target: TargetPolicy,
  input: SubmissionInput,
): Result<TierPolicy, PolicyError> {
  const found = tierPolicy(target, input.tier);
  if (!found.ok) return found;
  const policy = found.value;
  if (input.durationSeconds > policy.maxDurationSeconds) {
    return err({
      code: 'duration_too_long',
      message: `${input.tier} on ${target.name} is limited to ${formatDuration(policy.maxDurationSeconds)}`,
    });
  }
  if (policy.requireReason && input.reason.trim().length === 0) {
    return err({ code: 'reason_required', message: 'a reason is required' });
  }
  if (policy.requireTicket && !input.ticket) {
    return err({
      code: 'ticket_required',
      message: `${input.tier} on ${target.name} requires a ticket link`,
    });
  }
  if (input.breakGlass) {
    if (!target.breakGlass) {
      return err({ code: 'break_glass_disabled', message: `break-glass is not enabled on ${target.name}` });
    }
    if (input.breakGlass.justification.trim().length < target.breakGlass.minJustification) {
      return err({
        code: 'justification_required',
        message: `break-glass needs a justification of ${target.breakGlass.minJustification} characters or more`,
      });
    }
  }
  return ok(policy);
}

/** An approver is listed by user id, or belongs to a listed user group. */
export function isApprover(policy: TierPolicy, actor: string, actorGroups: readonly string[]): boolean {
  return policy.approvers.includes(actor) || actorGroups.some((g) => policy.approvers.includes(g));
}

export function quorumReached(policy: TierPolicy, approvals: readonly Decision[]): boolean {
  return approvals.filter((d) => d.verdict === 'approve').length >= policy.approvalsRequired;
}

/** Whether one more extension of `seconds` stays within the caps. */
export function extensionWithinCaps(
  policy: TierPolicy,
  request: Pick<AccessRequest, 'extensions'>,
  seconds: number,
): boolean {
  return (
    request.extensions.count + 1 <= policy.extension.maxCount &&
    request.extensions.totalSeconds + seconds <= policy.extension.maxTotalSeconds
  );
}
