import type { Tier } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';
import { type DdlMarker, noDdlBetween, readDdlMarker } from './ddl-change-detector.js';
import { roleSql } from './dialect.js';
import type { ApplyReport } from './grant-apply.js';
import { syncGrantee } from './grantee-sync.js';
import type { TableMatcher } from './protected-tables.js';
import { roleNameFor } from './role-name.js';
import type { ServerInfo } from './server-info.js';

export interface RoleSyncReport extends ApplyReport {
  role: string;
  /** `skipped`: no table-changing statement ran since the last full check, nothing was read. */
  check: 'skipped' | 'full';
}

export interface RoleSyncDeps {
  sql: AdminSql;
  target: string;
  schemas: readonly string[];
  privileges: Readonly<Record<Tier, readonly string[]>>;
  /** Undefined when the target protects nothing (see tableProtection). */
  isProtected: TableMatcher | undefined;
  /** A full check runs at least this often even when the DDL counters did not move. */
  fullCheckIntervalMs: number;
  now: () => number;
}

const STEP = 'sync-role';

/**
 * Keeps one role per target × tier holding the tier's grants, so that a user costs one `GRANT role`
 * whatever the number of tables. Syncs of one role run one after the other inside the process (a promise
 * chain per role); other processes may sync the same role at the same time, which the statements
 * tolerate (see grant-apply.ts). A sync reads the server's DDL counters first and skips the O(tables)
 * comparison when no table can have appeared or gone since the last full check.
 */
export class RoleSync {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly lastFull = new Map<string, { marker: DdlMarker; at: number }>();

  constructor(private readonly deps: RoleSyncDeps) {}

  roleName(tier: Tier): string {
    return roleNameFor(this.deps.target, tier);
  }

  /** Sync the tier's role; `force` skips the change detector (Refresh grants, or a role found missing). */
  sync(tier: Tier, server: ServerInfo, force: boolean): Promise<RoleSyncReport> {
    const role = this.roleName(tier);
    const previous = this.chains.get(role) ?? Promise.resolve();
    const run = previous.then(
      () => this.syncNow(role, tier, server, force),
      () => this.syncNow(role, tier, server, force),
    );
    this.chains.set(role, run);
    const settle = () => {
      if (this.chains.get(role) === run) this.chains.delete(role);
    };
    void run.then(settle, settle);
    return run;
  }

  /** Forget what the last full check saw, so the next sync compares everything again. */
  forget(tier: Tier): void {
    this.lastFull.delete(this.roleName(tier));
  }

  private async syncNow(
    role: string,
    tier: Tier,
    server: ServerInfo,
    force: boolean,
  ): Promise<RoleSyncReport> {
    const { sql, now } = this.deps;
    const startedAt = now();
    // Read before listing: a table created while we list moves the counters and is seen next time.
    const marker = await readDdlMarker(sql, STEP);
    const last = this.lastFull.get(role);
    if (
      !force &&
      last &&
      noDdlBetween(last.marker, marker) &&
      startedAt - last.at < this.deps.fullCheckIntervalMs
    ) {
      return { role, check: 'skipped', granted: 0, revoked: 0, moot: 0 };
    }
    this.lastFull.delete(role);
    const grantee = { user: role, host: server.roleHost, sql: roleSql(server, role) };
    await sql.run(STEP, `CREATE ROLE IF NOT EXISTS ${grantee.sql}`);
    const report = await syncGrantee({
      sql,
      server,
      grantee,
      schemas: this.deps.schemas,
      privileges: this.deps.privileges[tier],
      isProtected: this.deps.isProtected,
      step: STEP,
    });
    this.lastFull.set(role, { marker, at: startedAt });
    return { role, check: 'full', ...report };
  }
}
