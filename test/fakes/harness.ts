import { createHash } from 'node:crypto';
import { mariadbSqlChecker } from '../../src/adapters/sql/sql-checker.js';
import { decideRequest } from '../../src/app/decide-request.js';
import type { AppDeps } from '../../src/app/deps.js';
import { handleWork } from '../../src/app/dispatch.js';
import { type SubmitInput, submitRequest } from '../../src/app/submit-request.js';
import type { TargetPolicy, TierPolicy } from '../../src/domain/policy-types.js';
import type {
  Directory,
  DirectoryUser,
  Logger,
  Notification,
  Notifier,
  Random,
  WorkItem,
  WorkQueue,
} from '../../src/domain/ports.js';
import { FakeActivity } from './fake-activity.js';
import { FakeBastions } from './fake-bastions.js';
import { FakeDatabases } from './fake-databases.js';
import { FakeRunner, RecordingExports } from './fake-runner.js';
import { FakeScheduler } from './fake-scheduler.js';
import { Faults } from './faults.js';
import { InMemoryLedger } from './in-memory-ledger.js';
import { InMemoryOutbox } from './in-memory-outbox.js';
import { InMemoryStore } from './in-memory-store.js';
import { RecordingReplies } from './recording-replies.js';

export const REQUESTER = 'U0REQ';
export const APPROVER_1 = 'U0APP1';
export const APPROVER_2 = 'U0APP2';
export const GROUP_MEMBER = 'U0GROUPIE';
export const OUTSIDER = 'U0OUT';
export const DBA_GROUP = 'S0DBAS';

export function tierPolicy(overrides: Partial<TierPolicy> = {}): TierPolicy {
  return {
    approvers: [APPROVER_1, APPROVER_2, DBA_GROUP],
    approvalsRequired: 1,
    maxDurationSeconds: 4 * 3600,
    requireReason: true,
    requireTicket: false,
    approvalTimeoutSeconds: 1800,
    autoApprove: false,
    extension: { maxCount: 2, maxTotalSeconds: 2 * 3600, autoApprove: false },
    privileges: ['SELECT'],
    limits: { maxPending: 3, maxLive: 2, maxPerHour: 10 },
    runs: { statementTimeoutSeconds: 60, maxRows: 1_000_000, maxBytes: 200 * 2 ** 20 },
    ...overrides,
  };
}

export function targetPolicy(overrides: Partial<TargetPolicy> = {}): TargetPolicy {
  return {
    name: 'prod',
    breakGlass: undefined,
    userPrefix: '',
    requesters: { allowGuests: false, allowExternal: false },
    tiers: { READ: tierPolicy(), DML: tierPolicy(), DDL: tierPolicy({ approvalsRequired: 2 }) },
    schemas: ['orders'],
    protectedTables: ['secret_*'],
    ...overrides,
  };
}

export class MutableClock {
  constructor(public current = new Date('2026-11-25T10:00:00.000Z')) {}
  now = (): Date => new Date(this.current);
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Deterministic bytes (a hash counter), so ids and passwords are reproducible in tests. */
export class SeededRandom implements Random {
  private counter = 0;
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const block = createHash('sha256')
        .update(String(this.counter++))
        .digest();
      out.set(block.subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  }
}

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  readonly faults = new Faults();
  async notify(notification: Notification): Promise<void> {
    this.faults.check(notification.kind);
    this.sent.push(structuredClone(notification));
  }
  kinds(): string[] {
    return this.sent.map((n) => n.kind);
  }
}

export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  info = (m: string, f?: Record<string, unknown>) =>
    void this.lines.push(JSON.stringify({ level: 'info', m, ...f }));
  warn = (m: string, f?: Record<string, unknown>) =>
    void this.lines.push(JSON.stringify({ level: 'warn', m, ...f }));
  error = (m: string, f?: Record<string, unknown>) =>
    void this.lines.push(JSON.stringify({ level: 'error', m, ...f }));
}

class StaticDirectory implements Directory {
  constructor(
    readonly users: Map<string, DirectoryUser>,
    readonly groups: Map<string, string[]>,
  ) {}
  async lookup(id: string) {
    return this.users.get(id);
  }
  async groupsOf(id: string) {
    return this.groups.get(id) ?? [];
  }
}

/** Collects handed-off work; `drain()` runs it (and whatever it enqueues) to completion. */
export class ManualQueue implements WorkQueue {
  readonly items: WorkItem[] = [];
  deps?: AppDeps;
  async enqueue(item: WorkItem): Promise<void> {
    this.items.push(item);
  }
  async drain(): Promise<void> {
    while (this.items.length > 0) {
      const item = this.items.shift() as WorkItem;
      await handleWork(this.deps as AppDeps, item);
    }
  }
}

export function harness(policy: TargetPolicy = targetPolicy()) {
  const store = new InMemoryStore();
  const bastions = new FakeBastions();
  const databases = new FakeDatabases([policy.name]);
  const activity = new FakeActivity();
  const runner = new FakeRunner(databases);
  const exports = new RecordingExports();
  const scheduler = new FakeScheduler();
  const queue = new ManualQueue();
  const notifier = new RecordingNotifier();
  const replies = new RecordingReplies();
  const logger = new CapturingLogger();
  const clock = new MutableClock();
  const ledger = new InMemoryLedger(clock);
  const outbox = new InMemoryOutbox();
  const users = new Map<string, DirectoryUser>([
    [REQUESTER, { id: REQUESTER, email: 'ada.lovelace@example.com' }],
    [APPROVER_1, { id: APPROVER_1, email: 'grace@example.com' }],
    [APPROVER_2, { id: APPROVER_2, email: 'edsger@example.com' }],
    [GROUP_MEMBER, { id: GROUP_MEMBER, email: 'barbara@example.com' }],
    [OUTSIDER, { id: OUTSIDER, email: 'mallory@example.com' }],
    ['U0NOMAIL', { id: 'U0NOMAIL' }],
  ]);
  const directory = new StaticDirectory(users, new Map([[GROUP_MEMBER, [DBA_GROUP]]]));
  const deps: AppDeps = {
    store,
    ledger,
    outbox,
    bastions,
    databases,
    sql: mariadbSqlChecker,
    runner,
    exports,
    activity,
    scheduler,
    queue,
    directory,
    notifier,
    replies,
    logger,
    clock,
    random: new SeededRandom(),
    policies: new Map([[policy.name, policy]]),
    timings: { warnBeforeSeconds: 600, provisioningTimeoutSeconds: 300, deadManGraceSeconds: 900 },
  };
  queue.deps = deps;
  return {
    deps,
    store,
    ledger,
    outbox,
    bastions,
    databases,
    db: databases.forTarget(policy.name),
    activity,
    runner,
    exports,
    scheduler,
    queue,
    notifier,
    replies,
    logger,
    clock,
    directory,
  };
}

export type Harness = ReturnType<typeof harness>;

/** Submit a request (READ on `prod` for an hour unless overridden); the use case's answer as it is. */
export function submit(h: Harness, overrides: Partial<SubmitInput> = {}) {
  return submitRequest(h.deps, {
    requesterId: REQUESTER,
    target: 'prod',
    tier: 'READ',
    durationSeconds: 3600,
    reason: 'incident 42',
    ...overrides,
  });
}

/** Submit a request as `submit` does; throws if refused. */
export async function submitted(h: Harness, overrides: Partial<SubmitInput> = {}): Promise<string> {
  const result = await submit(h, overrides);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.id;
}

/** Submit, approve and provision; returns the id of the now active request. */
export async function activated(h: Harness, overrides: Partial<SubmitInput> = {}): Promise<string> {
  const id = await submitted(h, overrides);
  await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
  await h.queue.drain();
  return id;
}

/** The history of a request approved once and provisioned without a hitch, event by event. */
export const PROVISIONED_HISTORY = [
  'requested',
  'approved',
  'provisioning-started',
  'bastion-launched',
  'bastion-reachable',
  'account-created',
  'scheduled',
  'activated',
] as const;
