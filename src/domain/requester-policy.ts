/**
 * Who may ask, and how much: guests and other workspaces' users are refused unless the target allows them,
 * break-glass is for a configured list of people, and each requester has caps on pending requests, live
 * accesses and submissions per hour (per target and tier), so one person or one script cannot flood the
 * approvers or launch a bastion per minute.
 */
import { formatDuration } from './duration.js';
import type { RequesterLimits, TargetPolicy } from './policy-types.js';
import { err, ok, type Result } from './result.js';
import { type AccessRequest, LIVE_STATES, type Tier } from './types.js';

export type RequesterError =
  | { code: 'guest_refused'; message: string }
  | { code: 'external_refused'; message: string }
  | { code: 'break_glass_not_allowed'; message: string }
  | { code: 'too_many_pending'; message: string }
  | { code: 'too_many_live'; message: string }
  | { code: 'too_many_submissions'; message: string };

export interface RequesterFacts {
  id: string;
  groups: readonly string[];
  /** A Slack guest (single- or multi-channel). */
  guest: boolean;
  /** A user of another workspace (Slack Connect). */
  external: boolean;
}

export const RATE_WINDOW_SECONDS = 3_600;

/** Whether this person may ask at all, and for break-glass. */
export function checkRequester(
  target: TargetPolicy,
  who: RequesterFacts,
  breakGlass: { justification: string } | undefined,
): Result<true, RequesterError> {
  if (who.guest && !target.requesters.allowGuests) {
    return err({
      code: 'guest_refused',
      message: `guest accounts cannot request access to ${target.name}; ask a full member of the workspace, or the platform team to set requesters.allowGuests`,
    });
  }
  if (who.external && !target.requesters.allowExternal) {
    return err({
      code: 'external_refused',
      message: `users of other workspaces cannot request access to ${target.name}`,
    });
  }
  if (breakGlass && target.breakGlass) {
    const { allowed } = target.breakGlass;
    if (!allowed.includes(who.id) && !who.groups.some((g) => allowed.includes(g))) {
      return err({
        code: 'break_glass_not_allowed',
        message: `you are not on the break-glass list of ${target.name}; submit a normal request for approval`,
      });
    }
  }
  return ok(true);
}

/**
 * The caps of one tier, counted over the requester's own requests on the same target and tier. `history`
 * is the requester's newest requests, newest first.
 */
export function checkLimits(
  limits: RequesterLimits,
  request: { target: string; tier: Tier },
  history: readonly AccessRequest[],
  now: Date,
): Result<true, RequesterError> {
  const same = history.filter((r) => r.target === request.target && r.tier === request.tier);
  const where = `${request.tier} on ${request.target}`;
  const pending = same.filter((r) => r.state === 'requested').length;
  if (pending >= limits.maxPending) {
    return err({
      code: 'too_many_pending',
      message: `you already have ${pending} request(s) for ${where} waiting for approval (at most ${limits.maxPending}); wait for a decision or cancel one`,
    });
  }
  const live = same.filter((r) => LIVE_STATES.includes(r.state)).length;
  if (live >= limits.maxLive) {
    return err({
      code: 'too_many_live',
      message: `you already have ${live} live access(es) to ${where} (at most ${limits.maxLive}); end one first (/bastion list shows them)`,
    });
  }
  const since = new Date(now.getTime() - RATE_WINDOW_SECONDS * 1000).toISOString();
  const recent = same.filter((r) => r.requestedAt > since).length;
  if (recent >= limits.maxPerHour) {
    return err({
      code: 'too_many_submissions',
      message: `you have submitted ${recent} request(s) for ${where} in the last ${formatDuration(RATE_WINDOW_SECONDS)} (at most ${limits.maxPerHour}); try again later`,
    });
  }
  return ok(true);
}
