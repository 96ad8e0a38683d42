/**
 * The ports: everything the use cases need from the outside world, as narrow interfaces.
 * Adapters in src/adapters implement them; tests use the in-memory fakes in test/fakes.
 */
import type { ActivityEvidence, ActivityOptions, ActivityWindow } from './activity.js';
import type { AuditRecord } from './audit-records.js';
import type { Digest } from './digest.js';
import type { Owned, OwnershipRecord, OwnershipState } from './ownership.js';
import type { RunLimits } from './policy-types.js';
import type { Result } from './result.js';
import type { CheckedRun, RunRules } from './run-check.js';
import type {
  AccessRequest,
  BastionRef,
  Credentials,
  DbAccountRef,
  RunResult,
  RunSpec,
  Tier,
} from './types.js';

export interface Clock {
  now(): Date;
}

export interface DueRange {
  after?: Date;
  before?: Date;
}

/** The approval log: one item per request, every write conditional on `version`. */
export interface RequestStore {
  /** Create a new request (version 1). Throws AlreadyExistsError if the id is taken. */
  create(request: AccessRequest): Promise<void>;
  get(id: string): Promise<AccessRequest | undefined>;
  /**
   * Write `next` if the stored version is still `next.version - 1`, appending the events that `next`
   * has beyond `appendedFrom` with `list_append`. Throws ConcurrentChangeError when the version moved,
   * carrying the winning item where the store returns it.
   */
  update(next: AccessRequest, appendedFrom: number): Promise<void>;
  /** Requests of one Slack user, newest first. */
  listByRequester(slackUserId: string, limit?: number): Promise<AccessRequest[]>;
  /**
   * Requests in `state`, optionally only those whose `dueAt` is within `due` (both ends included). An ended
   * request's `dueAt` is its `endedAt`.
   */
  listByState(state: AccessRequest['state'], due?: DueRange): Promise<AccessRequest[]>;
  /**
   * Bind a MySQL user name to a Slack user, first come first served; returns true if `slackUserId`
   * holds the name (now or already), false if somebody else does.
   */
  claimDbUserName(name: string, slackUserId: string): Promise<boolean>;
  /** Every MySQL user name Drawbridge ever handed out (doctor warns when one is also somebody else's account). */
  listDbUserNames(): Promise<string[]>;
}

/**
 * What Drawbridge made, recorded before it is made (see ownership.ts). Single-item conditional writes.
 */
export interface OwnershipLedger {
  /**
   * Record that `requestId` is about to create `owned`. Returns the record now held under its key: this
   * request's (new, or left by an earlier run of it) or another request's — then it is not this one's to make.
   */
  intend(owned: Owned, requestId: string): Promise<OwnershipRecord>;
  /** Move this request's record to `state` (a bastion's record also takes its `bastionId`). */
  mark(owned: Owned, requestId: string, state: OwnershipState, note?: string): Promise<void>;
  get(owned: Owned, requestId: string): Promise<OwnershipRecord | undefined>;
  /** Every record not yet released (the sweeper's worklist). */
  listUnreleased(): Promise<OwnershipRecord[]>;
}

export type ProvisionProgress = 'launching' | 'reachable' | 'account-ready' | 'active';

export interface LaunchSpec {
  requestId: string;
  target: string;
  /** Slack user id of the owner (tag `drawbridge:owner`). */
  owner: string;
  expiresAt: Date;
  /** The bastion shuts itself down after this long whatever happens (dead-man switch). */
  shutdownAfterSeconds: number;
}

export interface BastionInfo {
  id: string;
  requestId: string;
}

/** Per-request bastions: EC2 behind SSM in AWS mode, a loopback TCP forwarder in local mode. */
export interface Bastions {
  /** Idempotent by `requestId`: launching twice returns the same bastion. */
  launch(spec: LaunchSpec): Promise<{ id: string }>;
  /** Resolves once the bastion can carry traffic; throws DependencyError after a hard timeout. */
  waitReachable(id: string, target: string): Promise<BastionRef>;
  /** Idempotent: a bastion already gone is fine. */
  terminate(id: string): Promise<void>;
  /** Every bastion carrying Drawbridge's tags that exists now (the sweeper terminates only those it has a record of). */
  list(): Promise<BastionInfo[]>;
}

export interface DropReport {
  /** `locked` when the account owns objects (DEFINER) and MySQL refuses to drop it. */
  outcome: 'dropped' | 'locked' | 'absent';
  killedConnections: number;
  /** `schema.object (type)` of each object the account is DEFINER of. */
  definerObjects: string[];
  /**
   * `schema.object (type)` of objects whose DEFINER is a role the account held (`DEFINER=CURRENT_ROLE`): they
   * outlive the account and run with the role's rights, so they are reported.
   */
  roleDefinerObjects: string[];
}

/** MySQL access on one target server. */
export interface DatabaseAccess {
  /**
   * CREATE USER `user@host` with the password and no privileges. Throws AccountExistsError, having changed
   * nothing, when the account already exists: an account Drawbridge did not create is never altered.
   */
  createUser(account: DbAccountRef, password: string): Promise<void>;
  /**
   * For an account this request created in an earlier, interrupted run (the ledger says so): a new password,
   * unlocked, every role and privilege revoked, ready for `grantTier`.
   */
  resetUser(account: DbAccountRef, password: string): Promise<void>;
  /** Give the account the tier's grants (protected tables excluded): the tier's role, or direct grants. */
  grantTier(account: DbAccountRef, tier: Tier): Promise<void>;
  /**
   * Bring the tiers' roles to the tables that exist now (a table created or renamed into a protected pattern is
   * revoked at once). The sweeper runs it every time; nothing to do in direct mode.
   */
  syncTierGrants(tiers: readonly Tier[]): Promise<void>;
  accountExists(account: DbAccountRef): Promise<boolean>;
  rotatePassword(account: DbAccountRef, password: string): Promise<void>;
  /** Re-sync the tier's grants with the tables that exist now (the DM's Refresh grants). */
  refreshGrants(account: DbAccountRef, tier: Tier): Promise<void>;
  /**
   * Revoke, drop (or lock when it is a DEFINER), kill every connection of the account and verify none
   * is left. Idempotent: an absent account reports `absent`. Throws when the account cannot be removed.
   */
  dropAccount(account: DbAccountRef): Promise<DropReport>;
}

/** One database access per configured target. */
export interface DatabaseAccessByTarget {
  forTarget(target: string): DatabaseAccess;
  targets(): string[];
}

/** One account's audit records in a window, and the server's UTC offset that places their times. */
export interface CollectedRecords {
  records: AuditRecord[];
  /** Minutes the server's local time is ahead of UTC (MariaDB writes local times; Aurora epoch times). */
  utcOffsetMinutes: number;
}

/**
 * The database's own audit records of one target: MariaDB's server_audit file, or Aurora MySQL's advanced
 * auditing in CloudWatch Logs. Read only.
 */
export interface ActivitySource {
  /** What the evidence names as its source, e.g. `mariadb-audit /var/lib/mysql/server_audit.log`. */
  readonly description: string;
  /** Where the records stand now, kept with the request when its account is made (undefined: no positions). */
  position(): Promise<string | undefined>;
  /** Every record of `account` in `window`, read on from `from` (a `position()`) when given. */
  collect(account: DbAccountRef, window: ActivityWindow, from?: string): Promise<CollectedRecords>;
}

/** Each target's activity source and how its summaries are cut; undefined for a target with `kind: none`. */
export interface ActivitySources {
  forTarget(target: string): { source: ActivitySource; options: ActivityOptions } | undefined;
}

/** Parses a run's SQL and checks it against the tier (the parser is an adapter; the rules are run-check.ts). */
export interface SqlChecker {
  check(
    sql: string,
    rules: Omit<RunRules, 'words'>,
  ): Result<CheckedRun, { code: 'sql_refused' | 'sql_unparsable'; message: string }>;
}

/** An export's file, written by the runner, delivered, then discarded. */
export interface RunFile {
  path: string;
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
  gzip: boolean;
  capped?: 'rows' | 'bytes';
}

/** Where runs execute: the worker process, connecting as the run's own account. */
export interface RunRunner {
  /** The host the run's account is pinned to (the worker's source address), held for `requestId`. */
  reserve(requestId: string, target: string): Promise<string>;
  release(requestId: string): void;
  /** Run the checked statements as `account`; an export is streamed to a file. */
  execute(
    target: string,
    run: { requestId: string; account: DbAccountRef; password: string; spec: RunSpec; limits: RunLimits },
  ): Promise<{ result: Omit<RunResult, 'export'>; file?: RunFile }>;
  discard(file: RunFile): Promise<void>;
}

/** Gets an export to its requester: a file in their Slack DM, or an S3 object behind a short-lived link. */
export interface ExportDelivery {
  deliver(
    request: AccessRequest,
    file: RunFile,
  ): Promise<{ deliveredTo: 'slack' | 's3' | 'folder'; link?: string }>;
}

export type JobKind = 'approval-timeout' | 'warn' | 'teardown';

export interface Job {
  requestId: string;
  kind: JobKind;
  at: Date;
}

/** One-time jobs: EventBridge Scheduler in AWS mode, timers in local mode. */
export interface Scheduler {
  /** Create or move the job (idempotent by requestId + kind). */
  schedule(job: Job): Promise<void>;
  /** Remove the job; one that does not exist is fine. */
  cancel(requestId: string, kind: JobKind): Promise<void>;
}

/** Work handed off from a fast path (a Slack ack) to a worker: in-process locally, Lambda invoke in AWS. */
export type WorkItem =
  /** `resume`: continue a run a crash interrupted (a plain duplicate delivery of an in-flight run is ignored). */
  | { kind: 'provision'; requestId: string; resume?: boolean }
  | { kind: 'teardown'; requestId: string; reason: string }
  | { kind: 'sweep' }
  /** The daily digest of every write and DDL run through Drawbridge (a cron schedule in AWS mode). */
  | { kind: 'digest' }
  /** Show credentials: a fresh password, shown in the modal `viewId` the click opened. */
  | { kind: 'reveal-credentials'; requestId: string; actor: string; viewId: string }
  /** Refresh grants, answered at the click's `responseUrl`. */
  | { kind: 'refresh-grants'; requestId: string; actor: string; responseUrl: string };

/** What Show credentials answers: the credentials, or why there are none. */
export type CredentialsAnswer = { ok: true; credentials: Credentials } | { ok: false; message: string };

/**
 * Answers to one person's click that arrive after the ack, from the process that holds the database
 * credentials. Never written to the outbox and never retried: a credentials view holds a working password.
 */
export interface InteractionReplies {
  /** Fills the modal the click opened: the credentials, or why there are none. */
  showCredentials(viewId: string, answer: CredentialsAnswer): Promise<void>;
  /** An ephemeral answer to the click. */
  reply(responseUrl: string, text: string): Promise<void>;
}

export interface WorkQueue {
  enqueue(item: WorkItem): Promise<void>;
}

export interface DirectoryUser {
  id: string;
  email?: string;
  name?: string;
  /** A Slack guest (`is_restricted` or `is_ultra_restricted`). */
  guest?: boolean;
  /** A user of another workspace (Slack Connect). */
  external?: boolean;
}

/** Who a Slack user is, and which user groups they belong to. */
export interface Directory {
  lookup(slackUserId: string): Promise<DirectoryUser | undefined>;
  groupsOf(slackUserId: string): Promise<string[]>;
}

export type Notification =
  | { kind: 'approval-requested'; request: AccessRequest }
  | { kind: 'decision'; request: AccessRequest; by: string; verdict: 'approve' | 'deny' }
  | { kind: 'break-glass'; request: AccessRequest }
  | { kind: 'expired'; request: AccessRequest }
  | { kind: 'progress'; request: AccessRequest; step: ProvisionProgress }
  | { kind: 'active'; request: AccessRequest }
  | { kind: 'warning'; request: AccessRequest }
  | { kind: 'extension-requested'; request: AccessRequest }
  | { kind: 'extended'; request: AccessRequest; seconds: number }
  /** `lagging`: what is still to be removed on the database (access has ended: its network path is cut). */
  | { kind: 'ended'; request: AccessRequest; removed: string[]; lagging?: string[] }
  | { kind: 'failed'; request: AccessRequest }
  | { kind: 'reviewed'; request: AccessRequest }
  /** What the ended access executed, posted to the approval thread. */
  | { kind: 'activity'; request: AccessRequest; evidence: ActivityEvidence }
  /** The daily digest, to the security channel. */
  | { kind: 'digest'; digest: Digest }
  /** A run has finished: its outcome to the requester and the approval thread (`link`: an S3 export's). */
  | { kind: 'run-finished'; request: AccessRequest; link?: string }
  | { kind: 'alert'; request?: AccessRequest; message: string };

/** Where a Slack message lives, so it can be updated in place or replied to in its thread. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** The messages Drawbridge posted for one request. */
export interface RequestMessages {
  /** The approval message in the target's approval channel (decisions and progress update it). */
  approval?: MessageRef;
  /** The requester's DM with the connection details. */
  access?: MessageRef;
}

/** Remembers each request's messages across processes (DynamoDB in production and local mode). */
export interface MessageRefs {
  get(requestId: string): Promise<RequestMessages>;
  /** Set one ref, keeping the others. */
  put(requestId: string, which: keyof RequestMessages, ref: MessageRef): Promise<void>;
}

/**
 * Tells people what happened (Slack in production, the console in the demo). A notification may be several
 * independent deliveries (Slack: the requester's DM, the thread reply, the approval-message update): each is
 * delivered and retried on its own, so one failing never holds back the others.
 */
export interface Notifier {
  /** The parts of `notification`; a notifier without parts delivers each notification whole. */
  parts?(notification: Notification): string[];
  /** Deliver one part (the whole notification when `part` is absent). Throws when it could not. */
  notify(notification: Notification, part?: string): Promise<void>;
}

/** A notification not yet fully delivered: written before the first attempt, retried until done or too old. */
export interface OutboxEntry {
  id: string;
  notification: Notification;
  /** Parts still to deliver (`whole` for a notifier without parts). */
  pending: string[];
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  lastError?: string;
}

/** The durable outbox of notifications (single-item writes). */
export interface Outbox {
  /** Create or replace the entry. */
  put(entry: OutboxEntry): Promise<void>;
  /** Entries whose next attempt is due at `now`, oldest first. */
  due(now: Date): Promise<OutboxEntry[]>;
  remove(id: string): Promise<void>;
}

/** Structured logs. Callers never pass secrets; adapters redact known secret fields anyway. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Keys seen recently, each kept until a deadline: the guard against replayed signed Slack requests. */
export interface SeenKeys {
  /** Record `key` until `until`; true the first time, false while an earlier sighting is still kept. */
  firstSight(key: string, until: Date): Promise<boolean>;
}

export interface Random {
  /** Cryptographically strong random bytes. */
  bytes(n: number): Uint8Array;
}
