import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConsoleNotifier } from '../adapters/console/console-notifier.js';
import { UnansweredReplies } from '../adapters/console/console-replies.js';
import { DynamoDbOutbox } from '../adapters/dynamodb/dynamodb-outbox.js';
import { DynamoDbOwnershipLedger } from '../adapters/dynamodb/dynamodb-ownership-ledger.js';
import { DynamoDbRequestStore } from '../adapters/dynamodb/dynamodb-request-store.js';
import { DynamoDbSeenKeys } from '../adapters/dynamodb/dynamodb-seen-keys.js';
import { ensureTable } from '../adapters/dynamodb/ensure-table.js';
import { startDynalite } from '../adapters/dynamodb/local-dynalite.js';
import { ConfigDirectory } from '../adapters/local/config-directory.js';
import { type DailyTimer, startDailyTimer } from '../adapters/local/daily-timer.js';
import { FolderExportDelivery } from '../adapters/local/folder-export-delivery.js';
import { InProcessWorkQueue } from '../adapters/local/in-process-work-queue.js';
import { LocalBastions } from '../adapters/local/local-bastions.js';
import { LocalScheduler } from '../adapters/local/local-scheduler.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { MysqlRunRunner } from '../adapters/mysql/mysql-run-runner.js';
import { mariadbSqlChecker } from '../adapters/sql/sql-checker.js';
import { cryptoRandom, systemClock } from '../adapters/system/system.js';
import { drainOutbox } from '../app/deliver-notifications.js';
import type { AppDeps } from '../app/deps.js';
import { handleJob, handleWork } from '../app/dispatch.js';
import { recover } from '../app/recover.js';
import { SealingRequestStore } from '../app/sealing-store.js';
import { targetPolicies } from '../config/config.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import { ConfigError } from '../domain/errors.js';
import type {
  Clock,
  Directory,
  ExportDelivery,
  InteractionReplies,
  Logger,
  Notifier,
  RequestStore,
} from '../domain/ports.js';
import { ConfiguredActivitySources } from './activity-sources.js';
import { historySigner } from './history-keys.js';
import { MysqlDatabases, runServers } from './mysql-databases.js';

export const DEFAULT_TABLE = 'drawbridge-requests';
/** Where a run's export goes in local mode without Slack. */
export const LOCAL_EXPORT_FOLDER = '.drawbridge/exports';

export interface LocalApp {
  deps: AppDeps;
  store: RequestStore;
  /** Signed Slack requests already seen (serve's replay guard). */
  seen: DynamoDbSeenKeys;
  table: string;
  /** The loopback endpoint of the in-process dynalite (absent with a DynamoDB table). */
  storeEndpoint: string | undefined;
  bastions: LocalBastions;
  scheduler: LocalScheduler;
  queue: InProcessWorkQueue;
  databases: MysqlDatabases;
  /** The daily digest's timer, when the config has a digest. */
  digest: DailyTimer | undefined;
  /** Stop timers and bastions, close pools and the store. */
  close(): Promise<void>;
}

/** The store's connection, for adapters that keep their own items in the same table. */
export interface StoreHandle {
  client: DynamoDBClient;
  table: string;
}

export interface LocalOverrides {
  notifier?: Notifier | ((store: StoreHandle) => Notifier);
  /** Where a run's export goes (Slack when serving; a folder otherwise). */
  exports?: ExportDelivery;
  /** How the answers to Show credentials and Refresh grants reach the clicker (Slack when serving). */
  replies?: InteractionReplies;
  directory?: Directory;
  logger?: Logger;
  clock?: Clock;
  /**
   * Re-arm schedules, resume interrupted work and sweep on start (default true). A one-shot command
   * (`drawbridge sweep`) does its own work and leaves before any timer would fire.
   */
  startup?: boolean;
}

/**
 * Local mode: everything but Slack in this process — dynalite, timers, loopback bastions —
 * against the real databases of the config. The one place where adapters are chosen and connected.
 */
export async function startLocalApp(
  config: DrawbridgeConfig,
  overrides: LocalOverrides = {},
): Promise<LocalApp> {
  const { bastion } = config;
  if (config.mode !== 'local' || bastion.kind !== 'local') {
    throw new ConfigError(
      'this command runs local mode (mode: local, bastion.kind: local); AWS mode runs as the Lambda functions',
    );
  }
  const logger = overrides.logger ?? createLogger();
  const { client, close: closeStore, endpoint: storeEndpoint } = await openStore(config);
  const table = config.store.kind === 'dynamodb' ? config.store.table : DEFAULT_TABLE;
  await ensureTable(client, table);
  // Every write signs the request's new chain head with the configured key.
  const store = new SealingRequestStore(new DynamoDbRequestStore(client, table), historySigner(config));
  const ledger = new DynamoDbOwnershipLedger(client, table);
  const outbox = new DynamoDbOutbox(client, table);
  const databases = new MysqlDatabases(config.targets);
  const bastions = new LocalBastions({
    targets: Object.fromEntries(
      config.targets.map((t) => [t.name, { host: t.database.host, port: t.database.port }]),
    ),
    sourceNetwork: bastion.sourceNetwork,
    logger,
  });

  // Runs connect from a loopback address of the bastions' pool, bound by the worker itself.
  const runner = new MysqlRunRunner({
    source: {
      reserve: async (requestId) => {
        const address = bastions.reserveRunAddress(requestId);
        return { accountHost: address, localAddress: address };
      },
      release: (requestId) => bastions.releaseRunAddress(requestId),
    },
    server: runServers(config.targets),
  });

  // The scheduler and the queue call back into the use cases, which need them: tie the knot after building deps.
  let deps: AppDeps | undefined;
  const onError = (e: unknown) =>
    logger.error('background work failed', { error: e instanceof Error ? e.message : String(e) });
  const scheduler = new LocalScheduler((job) => handleJob(deps as AppDeps, job), { onError });
  const queue = new InProcessWorkQueue((item) => handleWork(deps as AppDeps, item), { onError });
  deps = {
    store,
    ledger,
    outbox,
    bastions,
    databases,
    sql: mariadbSqlChecker,
    runner,
    exports: overrides.exports ?? new FolderExportDelivery(LOCAL_EXPORT_FOLDER),
    activity: new ConfiguredActivitySources(config.targets, {
      serverUtcOffset: (target) => databases.serverUtcOffset(target),
    }),
    scheduler,
    queue,
    directory: overrides.directory ?? new ConfigDirectory(config.directory.users),
    notifier:
      typeof overrides.notifier === 'function'
        ? overrides.notifier({ client, table })
        : (overrides.notifier ?? new ConsoleNotifier()),
    replies: overrides.replies ?? new UnansweredReplies(logger),
    logger,
    clock: overrides.clock ?? systemClock,
    random: cryptoRandom,
    policies: targetPolicies(config),
    timings: config.lifecycle,
  };
  if (overrides.startup !== false) {
    await recover(deps);
    // Local bastions die with the process: a sweep ends access that lost its bastion and removes orphans —
    // after the resumed work has settled, so that it sees where each request ended up.
    void queue
      .drain()
      .then(() => queue.enqueue({ kind: 'sweep' }))
      .catch((e: unknown) => onError(e));
  }
  const retries = retryNotifications(deps, logger);
  // The daily digest, when the config names its channel (a cron schedule does it in AWS mode).
  const digest =
    config.digest && overrides.startup !== false
      ? startDailyTimer(config.digest.atMinuteOfDay, () => queue.enqueue({ kind: 'digest' }), {
          now: () => (deps as AppDeps).clock.now(),
          onError,
        })
      : undefined;

  return {
    deps,
    store,
    seen: new DynamoDbSeenKeys(client, table),
    table,
    storeEndpoint,
    bastions,
    scheduler,
    queue,
    databases,
    digest,
    async close() {
      await digest?.stop();
      await retries.stop();
      // Work already running finishes before the pools close: a shutdown never reports a false leftover.
      await scheduler.close();
      await queue.drain();
      await bastions.close();
      await databases.close();
      runner.close();
      await closeStore();
    },
  };
}

/** Notifications Slack did not take yet are retried every few seconds (the sweeper does it in AWS mode). */
function retryNotifications(deps: AppDeps, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = drainOutbox(deps)
      .catch((e: unknown) =>
        logger.warn('notification retry failed', { error: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        busy = false;
      });
  }, NOTIFICATION_RETRY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

const NOTIFICATION_RETRY_MS = 2_000;

async function openStore(
  config: DrawbridgeConfig,
): Promise<{ client: DynamoDBClient; close: () => Promise<void>; endpoint?: string }> {
  if (config.store.kind === 'dynalite') {
    const local = await startDynalite(config.store.path ? { path: config.store.path } : {});
    return { client: local.client, close: local.close, endpoint: local.endpoint };
  }
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    ...(config.store.region ? { region: config.store.region } : {}),
    ...(config.store.endpoint ? { endpoint: config.store.endpoint } : {}),
  });
  return { client, close: async () => client.destroy() };
}
