/**
 * How a tier's policy is resolved from the config (built-in defaults ← target `defaults` ← tier) and the
 * checks that need the resolved policy as a whole.
 */
import type { TierPolicy } from '../domain/policy-types.js';
import { DEFAULT_TIER_PRIVILEGES } from '../domain/tiers.js';
import type { Tier } from '../domain/types.js';

/** What a tier gets for anything neither the tier nor the target's `defaults` says. */
export const BUILT_IN_TIER_DEFAULTS: Omit<TierPolicy, 'privileges'> = {
  approvers: [],
  approvalsRequired: 1,
  maxDurationSeconds: 3_600,
  approvalTimeoutSeconds: 1_800,
  requireReason: true,
  requireTicket: false,
  autoApprove: false,
  extension: { maxCount: 2, maxTotalSeconds: 7_200, autoApprove: false },
  limits: { maxPending: 3, maxLive: 2, maxPerHour: 10 },
  runs: { statementTimeoutSeconds: 60, maxRows: 1_000_000, maxBytes: 200 * 2 ** 20 },
};

/** A target's `defaults` as validated (durations already in seconds); absent keys inherit. */
export interface PolicyOverrides {
  approvers?: string[] | undefined;
  approvalsRequired?: number | undefined;
  maxDuration?: number | undefined;
  approvalTimeout?: number | undefined;
  requireReason?: boolean | undefined;
  requireTicket?: boolean | undefined;
  autoApprove?: boolean | undefined;
  extension?:
    | { maxCount?: number | undefined; maxTotal?: number | undefined; autoApprove?: boolean | undefined }
    | undefined;
  limits?:
    | { maxPending?: number | undefined; maxLive?: number | undefined; maxPerHour?: number | undefined }
    | undefined;
  runs?:
    | {
        statementTimeout?: number | undefined;
        maxRows?: number | undefined;
        maxMegabytes?: number | undefined;
      }
    | undefined;
}

export interface TierOverrides extends PolicyOverrides {
  privileges?: string[] | undefined;
}

export function resolveTier(tier: Tier, defaults: PolicyOverrides, own: TierOverrides): TierPolicy {
  const base = BUILT_IN_TIER_DEFAULTS;
  const pick = <K extends keyof PolicyOverrides>(key: K) => own[key] ?? defaults[key];
  const ownExtension = own.extension ?? {};
  const defaultExtension = defaults.extension ?? {};
  return {
    approvers: [...new Set(pick('approvers') ?? base.approvers)],
    approvalsRequired: pick('approvalsRequired') ?? base.approvalsRequired,
    maxDurationSeconds: pick('maxDuration') ?? base.maxDurationSeconds,
    approvalTimeoutSeconds: pick('approvalTimeout') ?? base.approvalTimeoutSeconds,
    requireReason: pick('requireReason') ?? base.requireReason,
    requireTicket: pick('requireTicket') ?? base.requireTicket,
    autoApprove: pick('autoApprove') ?? base.autoApprove,
    extension: {
      maxCount: ownExtension.maxCount ?? defaultExtension.maxCount ?? base.extension.maxCount,
      maxTotalSeconds: ownExtension.maxTotal ?? defaultExtension.maxTotal ?? base.extension.maxTotalSeconds,
      autoApprove: ownExtension.autoApprove ?? defaultExtension.autoApprove ?? base.extension.autoApprove,
    },
    privileges: [...new Set(own.privileges ?? DEFAULT_TIER_PRIVILEGES[tier])],
    limits: {
      maxPending: own.limits?.maxPending ?? defaults.limits?.maxPending ?? base.limits.maxPending,
      maxLive: own.limits?.maxLive ?? defaults.limits?.maxLive ?? base.limits.maxLive,
      maxPerHour: own.limits?.maxPerHour ?? defaults.limits?.maxPerHour ?? base.limits.maxPerHour,
    },
    runs: {
      statementTimeoutSeconds:
        own.runs?.statementTimeout ?? defaults.runs?.statementTimeout ?? base.runs.statementTimeoutSeconds,
      maxRows: own.runs?.maxRows ?? defaults.runs?.maxRows ?? base.runs.maxRows,
      maxBytes:
        (own.runs?.maxMegabytes ?? defaults.runs?.maxMegabytes ?? base.runs.maxBytes / 2 ** 20) * 2 ** 20,
    },
  };
}

const isGroup = (id: string) => id.startsWith('S');

/**
 * A quorum nobody can reach is a configuration mistake. User ids count one each; a user group may hold any
 * number of people, so a tier with a group passes here (directoryQuorumProblem counts its members when the
 * config has a directory).
 */
export function quorumProblem(policy: TierPolicy): string | undefined {
  if (policy.autoApprove) return undefined;
  if (policy.approvers.length === 0) {
    return 'no approvers: list approvers (Slack user or user-group ids) or set autoApprove: true';
  }
  if (policy.approvers.some(isGroup) || policy.approvers.length >= policy.approvalsRequired) return undefined;
  const count = policy.approvers.length;
  return `${policy.approvalsRequired} approvals are required but only ${count} approver${
    count === 1 ? ' is' : 's are'
  } listed; list more approvers or lower approvalsRequired`;
}

/** With a directory a group's members are known, so the quorum is counted in people rather than entries. */
export function directoryQuorumProblem(
  policy: TierPolicy,
  users: readonly { id: string; groups?: string[] | undefined }[],
): string | undefined {
  if (policy.autoApprove || !policy.approvers.some(isGroup)) return undefined;
  const people = new Set(policy.approvers.filter((id) => !isGroup(id)));
  for (const user of users) {
    if (user.groups?.some((group) => policy.approvers.includes(group))) people.add(user.id);
  }
  if (people.size >= policy.approvalsRequired) return undefined;
  return `${policy.approvalsRequired} approvals are required but the approvers (${policy.approvers.join(', ')}) hold ${
    people.size
  } ${people.size === 1 ? 'person' : 'people'} in the directory; add approvers or lower approvalsRequired`;
}
