/**
 * The daily digest for the security channel: every write and DDL statement run through Drawbridge in a
 * period, grouped by request with who asked, who approved, why and the ticket — and the chain head of every
 * request whose history changed in the period, so that Slack holds an outside witness of each history.
 * Pure: requests in, a digest out.
 */
import { hasSummary, type ListedStatement, recordedActivity } from './activity.js';
import type { AccessRequest, RequestState, Tier } from './types.js';

export interface DigestEntry {
  requestId: string;
  requester: string;
  target: string;
  tier: Tier;
  state: RequestState;
  approvers: string[];
  reason: string;
  ticket?: string;
  /** Write and DDL statements run in the period (as the activity evidence lists them). */
  changes: ListedStatement[];
  /** Statements the evidence counted but did not list (its cap). */
  omitted: number;
  /** Why the activity is not known (the source could not be read). */
  unavailable?: string;
}

/** A request's history as it stood: how many events, and the hash of the last. */
export interface ChainHead {
  requestId: string;
  events: number;
  head: string;
}

/** Kept within one stored notification (DynamoDB items hold 400 KB); what is cut is counted and said. */
export const DIGEST_LIMITS = { entries: 40, changesPerEntry: 20 } as const;

export interface Digest {
  since: string;
  until: string;
  /** Requests that ran a write or DDL statement in the period, or whose activity could not be read. */
  entries: DigestEntry[];
  /** Requests left out beyond DIGEST_LIMITS.entries (`drawbridge audit --since` lists them). */
  omittedEntries: number;
  /** Every request whose history changed in the period. */
  heads: ChainHead[];
}

export function chainHead(request: AccessRequest): ChainHead {
  return { requestId: request.id, events: request.events.length, head: request.events.at(-1)?.hash ?? '' };
}

const within = (at: string, since: string, until: string) => at >= since && at < until;

export function buildDigest(requests: readonly AccessRequest[], since: Date, until: Date): Digest {
  const from = since.toISOString();
  const to = until.toISOString();
  const touched = requests
    .filter((r) => r.events.some((e) => within(e.at, from, to)))
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
  const entries: DigestEntry[] = [];
  for (const r of touched) {
    const evidence = recordedActivity(r);
    if (!evidence) continue;
    const base = {
      requestId: r.id,
      requester: r.requester.email,
      target: r.target,
      tier: r.tier,
      state: r.state,
      approvers: r.approvals.map((a) => a.by),
      reason: r.reason,
      ...(r.ticket ? { ticket: r.ticket } : {}),
    };
    if (!hasSummary(evidence)) {
      entries.push({ ...base, changes: [], omitted: 0, unavailable: evidence.unavailable });
      continue;
    }
    const changes = evidence.summary.changes.filter((c) => within(c.at, from, to));
    if (changes.length === 0 && evidence.summary.omitted.changes === 0) continue;
    const listed = changes.slice(0, DIGEST_LIMITS.changesPerEntry);
    const omitted = evidence.summary.omitted.changes + changes.length - listed.length;
    entries.push({ ...base, changes: listed, omitted });
  }
  const kept = entries.slice(0, DIGEST_LIMITS.entries);
  return {
    since: from,
    until: to,
    entries: kept,
    omittedEntries: entries.length - kept.length,
    heads: touched.map(chainHead),
  };
}

/** The first time at `minuteOfDay` (UTC) strictly after `now`. */
export function nextDailyAt(now: Date, minuteOfDay: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + minuteOfDay * 60_000;
  return new Date(today > now.getTime() ? today : today + 24 * 3600_000);
}
