/**
 * Every interaction id the Slack app sends and receives. Buttons carry the request id as their `value`;
 * modals carry it in `private_metadata`. Changing one of these breaks messages already posted.
 */
export const ACTION = {
  approve: 'drawbridge_approve',
  deny: 'drawbridge_deny',
  approveExtension: 'drawbridge_approve_extension',
  denyExtension: 'drawbridge_deny_extension',
  review: 'drawbridge_review',
  showCredentials: 'drawbridge_show_credentials',
  refreshGrants: 'drawbridge_refresh_grants',
  endNow: 'drawbridge_end_now',
  extend: 'drawbridge_extend',
  /** In the request modal: choosing a target or a tier re-renders the duration choices. */
  pickTarget: 'drawbridge_pick_target',
  pickTier: 'drawbridge_pick_tier',
  /** A run's approval message: the whole SQL in a modal. */
  viewSql: 'drawbridge_view_sql',
} as const;

export const VIEW = {
  request: 'drawbridge_request',
  denyReason: 'drawbridge_deny_reason',
  extend: 'drawbridge_extend',
  credentials: 'drawbridge_credentials',
  run: 'drawbridge_run',
} as const;

/** block_id / action_id of each input in the request modal (state.values[block][action]). */
export const REQUEST_INPUT = {
  target: { block: 'target', action: ACTION.pickTarget },
  tier: { block: 'tier', action: ACTION.pickTier },
  duration: { block: 'duration', action: 'duration' },
  reason: { block: 'reason', action: 'reason' },
  ticket: { block: 'ticket', action: 'ticket' },
  breakGlass: { block: 'break_glass', action: 'break_glass' },
} as const;

export const DENY_INPUT = { block: 'deny_reason', action: 'deny_reason' } as const;
export const EXTEND_INPUT = { block: 'extend_duration', action: 'extend_duration' } as const;
