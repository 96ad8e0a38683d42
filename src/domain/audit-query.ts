/**
 * Which requests a reviewer asked about: a period, a requester, an approver, a target, a tier, a state.
 * Pure: a request and the filter in, whether it matches out.
 */
import type { AccessRequest, RequestState, Tier } from './types.js';

export interface AuditFilter {
  /** Requests whose access overlaps [since, until]: asked before `until`, not closed before `since`. */
  since?: Date;
  until?: Date;
  /** A Slack user id, an e-mail address or a database user name. */
  requester?: string;
  /** A Slack user id among the approvals (or the denial). */
  approver?: string;
  target?: string;
  tier?: Tier;
  state?: RequestState;
}

const closedAt = (r: AccessRequest): string | undefined =>
  r.endedAt ?? (r.state === 'denied' ? r.denial?.at : undefined);

export function matchesFilter(r: AccessRequest, f: AuditFilter): boolean {
  if (f.until && r.requestedAt > f.until.toISOString()) return false;
  const closed = closedAt(r);
  if (f.since && closed !== undefined && closed < f.since.toISOString()) return false;
  if (f.requester) {
    const who = f.requester.toLowerCase();
    const { slackUserId, email, dbUser } = r.requester;
    if (![slackUserId, email, dbUser].some((v) => v.toLowerCase() === who)) return false;
  }
  if (f.approver) {
    const deciders = [...r.approvals, ...(r.denial ? [r.denial] : [])].map((d) => d.by);
    if (!deciders.includes(f.approver)) return false;
  }
  if (f.target && r.target !== f.target) return false;
  if (f.tier && r.tier !== f.tier) return false;
  if (f.state && r.state !== f.state) return false;
  return true;
}
