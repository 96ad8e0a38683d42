import { readFileSync } from 'node:fs';
import { createPool, type Pool } from 'mysql2/promise';
import { MysqlDatabaseAccess } from '../adapters/mysql/index.js';
import type { TargetConfig } from '../config/config-types.js';
import { ConfigError } from '../domain/errors.js';
import type { DatabaseAccessByTarget } from '../domain/ports.js';

/** The pool's `connection` event hands over the callback-style connection (mysql2 3.x). */
interface CallbackConnection {
  query(sql: string, callback: (error: unknown) => void): void;
}

/** Verify the server certificate, against the RDS CA bundle when one is configured (Aurora). */
function tlsOptions(caBundlePath: string | undefined) {
  return { rejectUnauthorized: true, ...(caBundlePath ? { ca: readFileSync(caBundlePath, 'utf8') } : {}) };
}

/**
 * Where a run connects for each target: its server, with TLS verified as the admin pool verifies it (against
 * the configured CA bundle, read once).
 */
export function runServers(targets: readonly TargetConfig[]) {
  const servers = new Map(
    targets.map((t) => [
      t.name,
      {
        host: t.database.host,
        port: t.database.port,
        ...(t.database.tls
          ? { tls: t.database.caBundlePath ? { ca: readFileSync(t.database.caBundlePath, 'utf8') } : {} }
          : {}),
      },
    ]),
  );
  return (target: string) => {
    const server = servers.get(target);
    if (!server) throw new ConfigError(`target "${target}" is not configured`);
    return server;
  };
}

/**
 * The server-side deadline of an admin statement. A backup's FLUSH TABLES WITH READ LOCK makes DROP USER
 * wait; on MariaDB 10.11 `lock_wait_timeout` does not end that wait (measured: it waits for the lock
 * whatever the setting) but `max_statement_time` does, and the server then abandons the statement. MySQL
 * has no `max_statement_time` (its answer, an unknown-variable error, is ignored) and bounds lock waits with
 * `lock_wait_timeout`. The teardown then reports the drop as lagging, and the sweeper retries it.
 */
export const ADMIN_STATEMENT_SECONDS = 5;

/** One admin pool and one MysqlDatabaseAccess per configured target. */
export class MysqlDatabases implements DatabaseAccessByTarget {
  private readonly pools = new Map<string, Pool>();
  private readonly byTarget = new Map<string, MysqlDatabaseAccess>();

  /** @param passwords admin passwords read from SSM in AWS mode, by target; the config's otherwise. */
  constructor(targets: readonly TargetConfig[], passwords: ReadonlyMap<string, string> = new Map()) {
    for (const t of targets) {
      const pool = createPool({
        ...(t.database.socketPath
          ? { socketPath: t.database.socketPath }
          : { host: t.database.host, port: t.database.port }),
        user: t.database.adminUser,
        password: passwords.get(t.name) ?? t.database.adminPassword,
        connectionLimit: 8,
        connectTimeout: 10_000,
        ...(t.database.tls ? { ssl: tlsOptions(t.database.caBundlePath) } : {}),
      });
      pool.on('connection', (connection) => {
        const session = connection as unknown as CallbackConnection;
        session.query(`SET SESSION lock_wait_timeout = ${ADMIN_STATEMENT_SECONDS}`, () => undefined);
        session.query(`SET SESSION max_statement_time = ${ADMIN_STATEMENT_SECONDS}`, () => undefined);
      });
      this.pools.set(t.name, pool);
      const privileges = Object.fromEntries(
        Object.entries(t.policy.tiers).map(([tier, p]) => [tier, p.privileges]),
      );
      this.byTarget.set(
        t.name,
        new MysqlDatabaseAccess({
          pool,
          target: t.name,
          schemas: t.schemas,
          protectedTables: t.protectedTables,
          grantMode: t.grantMode,
          privileges,
          kill: t.kill,
        }),
      );
    }
  }

  /** Minutes the target server's local time is ahead of UTC (what MariaDB's audit file times are in). */
  async serverUtcOffset(target: string): Promise<number> {
    const pool = this.pools.get(target);
    if (!pool) throw new ConfigError(`target "${target}" is not configured`);
    const [rows] = await pool.query('SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), NOW()) AS minutes');
    return Number((rows as { minutes: number | string }[])[0]?.minutes ?? 0);
  }

  forTarget(target: string): MysqlDatabaseAccess {
    const access = this.byTarget.get(target);
    if (!access) throw new ConfigError(`target "${target}" is not configured`);
    return access;
  }

  targets(): string[] {
    return [...this.byTarget.keys()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
  }
}
