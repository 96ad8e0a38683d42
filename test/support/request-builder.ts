/**
 * Test data: a valid AccessRequest with overrides ("object mother"). Defaults are a fresh READ request
 * in `requested` with one sealed event; `aFullRequest` fills every optional attribute as well.
 * Ids come from a counter so several requests built in one test never collide.
 */
import { sealEvent } from '../../src/domain/history.js';
import {
  type AccessRequest,
  checkRequestShape,
  type RequestEvent,
  type StoredRequest,
} from '../../src/domain/types.js';

let sequence = 0;

export const AT = '2030-01-02T03:04:05.000Z';

/** ISO timestamp `seconds` after `from` (default AT). */
export function isoAfter(seconds: number, from: string = AT): string {
  return new Date(Date.parse(from) + seconds * 1000).toISOString();
}

/** An event sealed onto `history` (its hash chains to the last event of `history`). */
export function anEvent(
  overrides: Partial<Omit<RequestEvent, 'hash'>> = {},
  history: readonly RequestEvent[] = [],
): RequestEvent {
  return sealEvent(history, {
    at: AT,
    actor: 'U123REQ',
    type: 'requested',
    from: 'requested',
    to: 'requested',
    ...overrides,
  });
}

/**
 * A fixture as the union type, checked like a request read back from the store: a fixture whose state lacks
 * what that state guarantees (an `active` request without a bastion) fails here, naming what is missing.
 */
export function asRequest(request: StoredRequest): AccessRequest {
  const checked = checkRequestShape(request);
  if (!checked.ok) throw new Error(`fixture is ${request.state} without ${checked.missing.join(', ')}`);
  return checked.value;
}

/**
 * A request in `requested` with one sealed event, or in the state `overrides` names — with what that state
 * guarantees filled in where `overrides` does not give it (a bastion and an account for `active`, the
 * failure for `failed`…), so a fixture is always a shape the lifecycle could produce.
 */
export function aRequest(overrides: Partial<StoredRequest> = {}): AccessRequest {
  return withGuarantees(storedRequest(overrides));
}

/** `request` with the defaults of what its state guarantees, where it lacks them. */
export function withGuarantees(request: StoredRequest): AccessRequest {
  return asRequest({ ...guaranteedBy(request), ...request });
}

const DEFAULT_BASTION = {
  id: 'local-req',
  sourceIp: '127.0.0.9',
  connect: { kind: 'local' as const, host: '127.0.0.1', port: 13306 },
};

/** Defaults for the fields `request.state` guarantees. */
function guaranteedBy(request: StoredRequest): Partial<StoredRequest> {
  const live = {
    bastionId: request.bastion?.id ?? DEFAULT_BASTION.id,
    bastion: DEFAULT_BASTION,
    account: { user: request.requester.dbUser, host: request.bastion?.sourceIp ?? DEFAULT_BASTION.sourceIp },
    expiresAt: isoAfter(request.durationSeconds, request.requestedAt),
  };
  switch (request.state) {
    case 'denied':
      return { denial: { by: 'U456APP', at: isoAfter(60, request.requestedAt), verdict: 'deny' } };
    case 'provisioning':
      return { provisioningDeadline: isoAfter(300, request.requestedAt) };
    case 'active':
    case 'warned':
    case 'ending':
      return live;
    case 'ended':
      return { endedAt: isoAfter(request.durationSeconds, request.requestedAt) };
    case 'failed':
      return {
        failure: { step: 'provision', reason: 'test fixture', leftovers: [] },
        endedAt: isoAfter(300, request.requestedAt),
      };
    default:
      return {};
  }
}

/** The fields every request has, unchecked (aFullRequest adds the rest before checking). */
function storedRequest(overrides: Partial<StoredRequest>): StoredRequest {
  sequence += 1;
  const requestedAt = overrides.requestedAt ?? AT;
  return {
    id: `req-${String(sequence).padStart(6, '0')}`,
    version: 1,
    state: 'requested',
    requester: { slackUserId: 'U123REQ', email: 'ada.lovelace@example.com', dbUser: 'ada_lovelace' },
    target: 'orders-prod',
    tier: 'READ',
    durationSeconds: 3600,
    reason: 'investigate order 4711',
    requestedAt,
    approvalDeadline: isoAfter(900, requestedAt),
    approvals: [],
    extensions: { count: 0, totalSeconds: 0 },
    events: [anEvent({ at: requestedAt, actor: overrides.requester?.slackUserId ?? 'U123REQ' })],
    ...overrides,
  };
}

/** A request with every optional attribute present (the state is whatever the caller needs). */
export function aFullRequest(overrides: Partial<StoredRequest> = {}): AccessRequest {
  const base = storedRequest({ state: 'active', version: 4, ...overrides });
  const approval = { by: 'U456APP', at: isoAfter(60), verdict: 'approve', reason: 'ok' } as const;
  return asRequest({
    ...base,
    ticket: 'https://tickets.example.com/OPS-1',
    breakGlass: { justification: 'outage', reviewedBy: 'U456APP', reviewedAt: isoAfter(7200) },
    approvals: [approval],
    denial: { by: 'U789APP', at: isoAfter(61), verdict: 'deny', reason: 'too broad' },
    provisioningDeadline: isoAfter(660),
    bastionId: 'i-0123456789abcdef0',
    bastion: {
      id: 'i-0123456789abcdef0',
      sourceIp: '10.0.1.23',
      connect: {
        kind: 'ssm',
        instanceId: 'i-0123456789abcdef0',
        region: 'eu-west-1',
        remoteHost: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
        remotePort: 3306,
        localPort: 13306,
      },
    },
    account: { user: 'ada_lovelace', host: '10.0.1.23' },
    activatedAt: isoAfter(120),
    expiresAt: isoAfter(3720),
    warnedAt: isoAfter(3120),
    pendingExtension: {
      seconds: 1800,
      requestedBy: 'U123REQ',
      requestedAt: isoAfter(3130),
      approvals: [approval],
    },
    extensions: { count: 1, totalSeconds: 1800 },
    endedAt: isoAfter(5600),
    endReason: 'expired',
    failure: { step: 'launch', reason: 'capacity', leftovers: ['i-0123456789abcdef0'] },
    dueAt: isoAfter(3120),
    ...overrides,
  });
}
