import type { LifecycleTimings, TargetPolicy } from '../domain/policy-types.js';
import type {
  ActivitySources,
  Bastions,
  Clock,
  DatabaseAccessByTarget,
  Directory,
  ExportDelivery,
  InteractionReplies,
  Logger,
  Notifier,
  Outbox,
  OwnershipLedger,
  Random,
  RequestStore,
  RunRunner,
  Scheduler,
  SqlChecker,
  WorkQueue,
} from '../domain/ports.js';

/** Everything a use case may touch. Built once by the wiring in src/entry; tests pass fakes. */
export interface AppDeps {
  store: RequestStore;
  /** What Drawbridge made: the only accounts and bastions it ever removes. */
  ledger: OwnershipLedger;
  bastions: Bastions;
  databases: DatabaseAccessByTarget;
  /** Parses and checks a run's SQL. */
  sql: SqlChecker;
  /** Executes approved runs, and delivers their exports. */
  runner: RunRunner;
  exports: ExportDelivery;
  /** Each target's audit records (what an access executed); a target may have none. */
  activity: ActivitySources;
  scheduler: Scheduler;
  queue: WorkQueue;
  directory: Directory;
  notifier: Notifier;
  /** Notifications are written here before they are sent, and retried from here. */
  outbox: Outbox;
  /** Answers to a click that come after its ack (Show credentials, Refresh grants); never stored. */
  replies: InteractionReplies;
  logger: Logger;
  clock: Clock;
  random: Random;
  policies: ReadonlyMap<string, TargetPolicy>;
  timings: LifecycleTimings;
}
