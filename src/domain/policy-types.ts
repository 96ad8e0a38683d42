import type { Tier } from './types.js';

/** The rules of one tier on one target, as configured. Durations are in seconds. */
export interface TierPolicy {
  /** Slack user ids (`U…`, `W…`) and user-group ids (`S…`) whose approval counts. */
  approvers: string[];
  approvalsRequired: number;
  maxDurationSeconds: number;
  requireReason: boolean;
  requireTicket: boolean;
  approvalTimeoutSeconds: number;
  /** Approved by `policy` at once, still recorded as a decision. */
  autoApprove: boolean;
  extension: { maxCount: number; maxTotalSeconds: number; autoApprove: boolean };
  /** MySQL privileges of the tier (defaults in tiers.ts). */
  privileges: string[];
  /** Caps per requester on this target and tier (requester-policy.ts). */
  limits: RequesterLimits;
  /** What a run on this tier may take. */
  runs: RunLimits;
}

/** A run's bounds: each statement's deadline, and an export's caps (a capped export says so). */
export interface RunLimits {
  statementTimeoutSeconds: number;
  maxRows: number;
  maxBytes: number;
}

export interface RequesterLimits {
  /** Requests waiting for approval. */
  maxPending: number;
  /** Accesses approved, being provisioned, active or ending. */
  maxLive: number;
  /** Submissions in the last hour. */
  maxPerHour: number;
}

/** Break-glass: only the listed people may self-approve, with a justification at least this long. */
export interface BreakGlassPolicy {
  /** Slack user ids and user-group ids. */
  allowed: string[];
  minJustification: number;
}

export interface TargetPolicy {
  name: string;
  /** Break-glass lets a listed requester self-approve with a justification; off (undefined) by default. */
  breakGlass: BreakGlassPolicy | undefined;
  /** Put before every MySQL user name on this target (`dbx_ada_lovelace`); empty by default. */
  userPrefix: string;
  /** Slack guests and users of other workspaces are refused unless allowed here. */
  requesters: { allowGuests: boolean; allowExternal: boolean };
  tiers: Partial<Record<Tier, TierPolicy>>;
  /** The schemas a run may name (the first is its default), and the tables it never touches. */
  schemas: string[];
  protectedTables: string[];
}

/** Timings that are product-wide rather than per target. */
export interface LifecycleTimings {
  /** Seconds before expiry at which the warning is sent (600 in production). */
  warnBeforeSeconds: number;
  /** Provisioning stuck longer than this is failed and compensated by the sweeper. */
  provisioningTimeoutSeconds: number;
  /** Added to the duration for the bastion's own dead-man shutdown. */
  deadManGraceSeconds: number;
}
