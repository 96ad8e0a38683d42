/** Tier roles: DDL change detection (when a sync can be skipped), granting a role another admin made, and keeping each role in sync with the tables. */
import type { RowDataPacket } from 'mysql2/promise';
import type { TableMatcher } from '../../domain/protected-tables.js';
import type { DbAccountRef, Tier } from '../../domain/types.js';
import { type AdminSql, accountSql, ER, errnoOf, sqlFailure } from './admin-sql.js';
import { type ApplyReport, syncGrantee } from './grants.js';
import { roleNameFor, roleSql, rolesOf, type ServerInfo } from './server-dialect.js';

/**
 * Global statement counters of every statement that can add, drop or rename a table, view or schema, or
 * create or drop a trigger (ALTER VIEW and CREATE OR REPLACE VIEW count as Com_create_view).
 * They count statements of all sessions, prepared statements and statements run inside stored programs
 * alike (checked on MariaDB 10.11), and reading them costs ≈ 0.3 ms however many tables exist — against
 * ≈ 25 ms at 10,000 tables for listing the tables and the role's grants. Missing names (MySQL has no
 * sequences) are simply absent from the answer.
 */
const COUNTERS = [
  'Com_create_table',
  'Com_drop_table',
  'Com_rename_table',
  'Com_alter_table',
  'Com_create_view',
  'Com_drop_view',
  'Com_create_db',
  'Com_drop_db',
  'Com_alter_db_upgrade',
  'Com_create_sequence',
  'Com_drop_sequence',
  'Com_create_trigger',
  'Com_drop_trigger',
];

export interface DdlMarker {
  counters: string;
  /** Seconds since server start: a smaller value means a restart, after which counters start again. */
  uptime: number;
}

export async function readDdlMarker(sql: AdminSql, step: string): Promise<DdlMarker> {
  const rows = await sql.rows<RowDataPacket>(step, 'SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [
    [...COUNTERS, 'Uptime'],
  ]);
  const values = new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
  return {
    counters: COUNTERS.map((c) => values.get(c.toLowerCase()) ?? '-').join(','),
    uptime: Number(values.get('uptime') ?? 0),
  };
}

/**
 * True when no table-changing statement can have run between the two readings. A false "changed" only
 * costs a full check; a false "unchanged" (say FLUSH STATUS followed by exactly as many statements) can
 * only leave a table ungranted or a dropped name granted — never a protected table granted, since
 * protected names are never put in a grant — and the periodic full check and Refresh grants repair it.
 */
export function noDdlBetween(before: DdlMarker, after: DdlMarker): boolean {
  return before.counters === after.counters && after.uptime >= before.uptime;
}

/** Only Drawbridge's own roles are ever adopted (roleNameFor, server-dialect.ts). */
const OWN_ROLE_PREFIX = 'drawbridge_';

const ADOPT_STEP = 'adopt-role';
const ACCESS_DENIED: readonly number[] = [
  ER.ACCESS_DENIED_NO_PASSWORD,
  ER.DBACCESS_DENIED,
  ER.SPECIFIC_ACCESS_DENIED,
];

/** The admin connection's own account, as `CURRENT_USER()` names it. */
export async function currentAccount(sql: AdminSql, step: string): Promise<{ user: string; host: string }> {
  const [row] = await sql.rows<RowDataPacket>(step, 'SELECT CURRENT_USER() AS me');
  const me = String(row?.me ?? '');
  const at = me.lastIndexOf('@');
  return { user: me.slice(0, at), host: me.slice(at + 1) };
}

/**
 * Runs a statement that grants or revokes one of Drawbridge's roles. MariaDB lets only a holder of the role
 * WITH ADMIN OPTION do that — its creator is one — so after the admin account is rotated the new admin,
 * even with `ALL PRIVILEGES ON *.* WITH GRANT OPTION`, is refused (1698). The role is then adopted once: a
 * `mysql.roles_mapping` row gives the current admin the ADMIN OPTION (its INSERT on `mysql.*` allows it) and
 * `FLUSH PRIVILEGES` loads it; the statement runs again. MySQL 8 checks ROLE_ADMIN instead, which
 * `ALL PRIVILEGES ON *.*` includes, so a refusal there is passed on. Adopting never touches who else holds
 * the role, so live sessions keep their access.
 */
export async function runAsRoleAdmin(
  sql: AdminSql,
  server: ServerInfo,
  role: string,
  statement: string,
  step: string,
): Promise<void> {
  try {
    await sql.run(step, statement);
    return;
  } catch (e) {
    const errno = errnoOf((e as { cause?: unknown }).cause);
    const adoptable = server.flavor === 'mariadb' && role.startsWith(OWN_ROLE_PREFIX);
    if (!adoptable || errno === undefined || !ACCESS_DENIED.includes(errno)) throw e;
  }
  await adoptRole(sql, role);
  await sql.run(step, statement);
}

/** Give the current admin the ADMIN OPTION on `role` (MariaDB). */
export async function adoptRole(sql: AdminSql, role: string): Promise<void> {
  const me = await currentAccount(sql, ADOPT_STEP);
  try {
    await sql.run(
      ADOPT_STEP,
      `INSERT INTO mysql.roles_mapping (Host, User, Role, Admin_option) VALUES (?, ?, ?, 'Y')
       ON DUPLICATE KEY UPDATE Admin_option = 'Y'`,
      [me.host, me.user, role],
    );
    await sql.run(ADOPT_STEP, 'FLUSH PRIVILEGES');
  } catch (e) {
    throw sqlFailure(
      ADOPT_STEP,
      new Error(
        `${me.user}@${me.host} cannot grant role ${role}, which another admin created, and cannot adopt it (${(e as Error).message}); as an account that can, run: GRANT \`${role}\` TO '${me.user}'@'${me.host}' WITH ADMIN OPTION`,
      ),
    );
  }
}

/** Revoke every role the account holds (a role already gone from it is fine). */
export async function revokeRoles(
  sql: AdminSql,
  server: ServerInfo,
  account: DbAccountRef,
  step: string,
): Promise<void> {
  for (const role of await rolesOf(sql, server, account, step)) {
    try {
      await runAsRoleAdmin(sql, server, role.name, `REVOKE ${role.sql} FROM ${accountSql(account)}`, step);
    } catch (e) {
      if (errnoOf((e as { cause?: unknown }).cause) !== ER.NONEXISTING_GRANT) throw e;
    }
  }
}

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

const SYNC_STEP = 'sync-role';

/**
 * Keeps one role per target × tier holding the tier's grants, so that a user costs one `GRANT role`
 * whatever the number of tables. Syncs of one role run one after the other inside the process (a promise
 * chain per role); other processes may sync the same role at the same time, which the statements
 * tolerate (see applyGrantSteps, grants.ts). A sync reads the server's DDL counters first and skips the O(tables)
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
    const marker = await readDdlMarker(sql, SYNC_STEP);
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
    await sql.run(SYNC_STEP, `CREATE ROLE IF NOT EXISTS ${grantee.sql}`);
    const report = await syncGrantee({
      sql,
      server,
      grantee,
      schemas: this.deps.schemas,
      privileges: this.deps.privileges[tier],
      isProtected: this.deps.isProtected,
      step: SYNC_STEP,
    });
    this.lastFull.set(role, { marker, at: startedAt });
    return { role, check: 'full', ...report };
  }
}
