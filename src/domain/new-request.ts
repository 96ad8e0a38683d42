import { sealEvent } from './history.js';
import type { TierPolicy } from './policy-types.js';
import type { AccessRequest, Requester, RunSpec, Tier } from './types.js';

export interface NewRequestInput {
  id: string;
  requester: Requester;
  target: string;
  tier: Tier;
  durationSeconds: number;
  reason: string;
  ticket?: string | undefined;
  breakGlass?: { justification: string } | undefined;
  run?: RunSpec | undefined;
}

/** A fresh request in `requested`, version 1, with its first event. */
export function newRequest(input: NewRequestInput, policy: TierPolicy, now: Date): AccessRequest {
  const at = now.toISOString();
  const approvalDeadline = new Date(now.getTime() + policy.approvalTimeoutSeconds * 1000).toISOString();
  const details: Record<string, unknown> = {
    target: input.target,
    tier: input.tier,
    durationSeconds: input.durationSeconds,
    reason: input.reason,
  };
  if (input.ticket) details.ticket = input.ticket;
  if (input.breakGlass) details.breakGlass = input.breakGlass.justification;
  if (input.run)
    details.run = { sha256: input.run.sha256, mode: input.run.mode, statements: input.run.statements.length };
  const event = sealEvent([], {
    at,
    actor: input.requester.slackUserId,
    type: 'requested',
    from: 'requested',
    to: 'requested',
    details,
  });
  return {
    id: input.id,
    version: 1,
    ...(input.run ? { kind: 'run' as const, run: input.run } : {}),
    state: 'requested',
    requester: input.requester,
    target: input.target,
    tier: input.tier,
    durationSeconds: input.durationSeconds,
    reason: input.reason,
    ...(input.ticket ? { ticket: input.ticket } : {}),
    ...(input.breakGlass ? { breakGlass: { justification: input.breakGlass.justification } } : {}),
    requestedAt: at,
    approvalDeadline,
    approvals: [],
    extensions: { count: 0, totalSeconds: 0 },
    dueAt: approvalDeadline,
    events: [event],
  };
}
