/** The core vocabulary of Drawbridge. Pure data: no I/O, no classes. */

export const TIERS = ['READ', 'DML', 'DDL'] as const;
export type Tier = (typeof TIERS)[number];

export const REQUEST_STATES = [
  'requested',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'provisioning',
  'active',
  'warned',
  'ending',
  'ended',
  'failed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** States in which access exists or may exist: the sweeper and the scheduler care about these. */
export const LIVE_STATES: readonly RequestState[] = [
  'approved',
  'provisioning',
  'active',
  'warned',
  'ending',
];
export const TERMINAL_STATES: readonly RequestState[] = ['denied', 'expired', 'cancelled', 'ended', 'failed'];

/** A Slack user id (`U…`/`W…`), or `system` / `policy` for automatic actions. */
export type Actor = string;
export const SYSTEM: Actor = 'system';
export const POLICY: Actor = 'policy';

export interface Requester {
  slackUserId: string;
  email: string;
  /** MySQL user name derived from the e-mail (see names.ts). */
  dbUser: string;
}

export interface Decision {
  by: Actor;
  at: string;
  verdict: 'approve' | 'deny';
  reason?: string;
}

/** How the requester reaches the database through their bastion. */
export type ConnectInfo =
  | { kind: 'local'; host: string; port: number }
  | {
      kind: 'ssm';
      instanceId: string;
      region: string;
      remoteHost: string;
      remotePort: number;
      localPort: number;
      /** The Session Manager port-forwarding document to start the session with. */
      document?: string;
    };

export interface BastionRef {
  id: string;
  /** The address the database sees connections from; the MySQL account is pinned to it. */
  sourceIp: string;
  connect: ConnectInfo;
}

/** What Show credentials reveals: shown once, in an ephemeral view; never stored, never logged. */
export interface Credentials {
  user: string;
  password: string;
  connect: ConnectInfo;
  expiresAt: string;
}

export interface DbAccountRef {
  user: string;
  host: string;
}

export interface PendingExtension {
  seconds: number;
  requestedBy: Actor;
  requestedAt: string;
  approvals: Decision[];
}

export interface Failure {
  step: string;
  reason: string;
  /** What compensation could not undo; empty when everything was cleaned up. */
  leftovers: string[];
}

/** Every kind of event the history holds, in roughly the order a request meets them. */
export const EVENT_TYPES = [
  'requested',
  'approval-recorded',
  'approved',
  'break-glass-approved',
  'denied',
  'expired',
  'cancelled',
  'provisioning-started',
  'bastion-launched',
  'bastion-reachable',
  'account-created',
  'scheduled',
  'activated',
  'warned',
  'extension-requested',
  'extension-approval-recorded',
  'extension-denied',
  'extended',
  'credentials-issued',
  'grants-refreshed',
  'reviewed',
  'ending',
  'ended',
  'failed',
  'activity-recorded',
  'activity-recorded',
  'run-finished',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One entry of the append-only history. */
export interface RequestEvent {
  at: string;
  actor: Actor;
  type: EventType;
  from: RequestState;
  to: RequestState;
  details?: Record<string, unknown>;
  /** sha256 over the previous event's hash and this event: `drawbridge audit` detects edits and deletions. */
  hash: string;
}

/** How a run executes: one SELECT streamed to a file, one DML transaction, or DDL statement by statement. */
export type RunMode = 'export' | 'dml' | 'ddl';

export type RunStatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'create table'
  | 'create index'
  | 'alter table'
  | 'drop table'
  | 'drop index'
  | 'rename table'
  | 'truncate table';

export const RUN_FORMATS = ['csv', 'tsv'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

/** The exact SQL a run request asks to execute, as checked when it was submitted. */
export interface RunSpec {
  sql: string;
  /** sha256 of `sql` (hex): approvals are bound to it. */
  sha256: string;
  /** The default schema the statements run in. */
  schema: string;
  mode: RunMode;
  statements: { kind: RunStatementKind; text: string }[];
  /** DML: the rows the statements must affect in all, else the transaction is rolled back. */
  expectedRows?: number;
  /** Export: the file's format. */
  format?: RunFormat;
}

export interface RunStatementResult {
  kind: RunStatementKind;
  /** Rows affected (DML), or returned (an export). */
  rows?: number;
  ms: number;
  /** The server's error, when the statement failed. */
  error?: string;
}

/** What a run did, as its history and its messages tell it. */
export interface RunResult {
  /** committed / rolled-back (DML), completed / stopped (DDL), exported (SELECT), failed (nothing ran). */
  outcome: 'committed' | 'rolled-back' | 'completed' | 'stopped' | 'exported' | 'failed';
  message: string;
  statements: RunStatementResult[];
  export?: {
    rows: number;
    bytes: number;
    sha256: string;
    gzip: boolean;
    /** Why the export stopped early, when a cap stopped it. */
    capped?: 'rows' | 'bytes';
    name: string;
    /** Where the file went: the requester's DM, an S3 object behind a link, or a local folder (no Slack). */
    deliveredTo: 'slack' | 's3' | 'folder';
  };
}

/** What every request holds, whatever its state. `version` increases by one with every write. */
export interface RequestBase {
  id: string;
  version: number;
  /** `run`: execute `run.sql` once, without a bastion; absent for a session (the original kind). */
  kind?: 'run';
  run?: RunSpec;
  runResult?: RunResult;
  requester: Requester;
  target: string;
  tier: Tier;
  durationSeconds: number;
  reason: string;
  ticket?: string;
  breakGlass?: { justification: string; reviewedBy?: Actor; reviewedAt?: string };
  requestedAt: string;
  approvalDeadline: string;
  approvals: Decision[];
  denial?: Decision;
  provisioningDeadline?: string;
  /** Set as soon as the bastion is launched, so compensation can find it even before it is reachable. */
  bastionId?: string;
  bastion?: BastionRef;
  account?: DbAccountRef;
  /** Where the target's audit records stood when the account was made: its activity is read on from there. */
  activityFrom?: string;
  activatedAt?: string;
  expiresAt?: string;
  warnedAt?: string;
  pendingExtension?: PendingExtension;
  extensions: { count: number; totalSeconds: number };
  endedAt?: string;
  endReason?: string;
  failure?: Failure;
  /** When the system next has to look at this request (sweeper index sort key). */
  dueAt?: string;
  events: RequestEvent[];
  /** The signed chain head of this version (see seal.ts); written by the store, never by a transition. */
  seal?: { keyId: string; algorithm: 'ed25519' | 'ECDSA_SHA_256'; signature: string };
}

/** A request as stored and read back before its state's guarantees are checked (see checkRequestShape). */
export type StoredRequest = RequestBase & { state: RequestState };

/** Undecided, or closed before anything was provisioned. */
export type UndecidedRequest = RequestBase & { state: 'requested' | 'approved' | 'expired' | 'cancelled' };
export type DeniedRequest = RequestBase & { state: 'denied'; denial: Decision };
export type ProvisioningRequest = RequestBase & { state: 'provisioning'; provisioningDeadline: string };
/** Live access, and access being ended: a bastion, an account, an end. */
export type LiveRequest = RequestBase & {
  state: 'active' | 'warned' | 'ending';
  bastionId: string;
  bastion: BastionRef;
  account: DbAccountRef;
  expiresAt: string;
};
export type EndedRequest = RequestBase & { state: 'ended'; endedAt: string };
export type FailedRequest = RequestBase & { state: 'failed'; failure: Failure; endedAt: string };

/** The whole request, one DynamoDB item: a union by state, each member holding what its state guarantees. */
export type AccessRequest =
  | UndecidedRequest
  | DeniedRequest
  | ProvisioningRequest
  | LiveRequest
  | EndedRequest
  | FailedRequest;

/** The fields each state guarantees, for checking a request read back from storage. */
const REQUIRED_BY_STATE: Readonly<Record<RequestState, readonly (keyof RequestBase)[]>> = {
  requested: [],
  approved: [],
  expired: [],
  cancelled: [],
  denied: ['denial'],
  provisioning: ['provisioningDeadline'],
  active: ['bastionId', 'bastion', 'account', 'expiresAt'],
  warned: ['bastionId', 'bastion', 'account', 'expiresAt'],
  ending: ['bastionId', 'bastion', 'account', 'expiresAt'],
  ended: ['endedAt'],
  failed: ['failure', 'endedAt'],
};

/** The request as the union, or the fields its state needs and it lacks. */
export function checkRequestShape(
  request: StoredRequest,
): { ok: true; value: AccessRequest } | { ok: false; missing: string[] } {
  const missing = REQUIRED_BY_STATE[request.state].filter((field) => request[field] === undefined);
  return missing.length === 0 ? { ok: true, value: request as AccessRequest } : { ok: false, missing };
}
