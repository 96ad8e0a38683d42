import { ConfigError, DependencyError } from '../../domain/errors.js';
import type { DatabaseAccess, DbAccount, DropReport } from '../../domain/ports.js';
import { type DbAccountRef, TIERS, type Tier } from '../../domain/types.js';
import { assertAccount, assertPassword } from './account-input.js';
import { listAccounts } from './account-listing.js';
import { teardownAccount } from './account-teardown.js';
import { AdminSql, ER } from './admin-sql.js';
import { DefinerIndex } from './definer-objects.js';
import { accountExists, roleSql, rolesOf, setDefaultRoleSql } from './dialect.js';
import type { ApplyReport } from './grant-apply.js';
import { syncGrantee } from './grantee-sync.js';
import {
  type MysqlDatabaseAccessOptions,
  type ResolvedOptions,
  resolveOptions,
} from './mysql-access-options.js';
import { protectedTableMatcher, type TableMatcher } from './protected-tables.js';
import { RoleSync, type RoleSyncReport } from './role-sync.js';
import { detectServer, type ServerInfo } from './server-info.js';
import { accountSql } from './sql-text.js';

/**
 * DatabaseAccess on one MySQL / MariaDB / Aurora server. In roles mode each tier's grants live in a role
 * (`drawbridge_<target>_<tier>`) kept in sync incrementally, and a user only receives the role: the cost
 * per user does not grow with the number of tables. In direct mode (servers without roles) the user gets
 * the grants itself, table by table where protected tables exist. Create one instance per target and
 * reuse it: it serialises the syncs of its roles and remembers what the last full check saw.
 */
export class MysqlDatabaseAccess implements DatabaseAccess {
  private readonly options: ResolvedOptions;
  private readonly sql: AdminSql;
  private readonly isProtected: TableMatcher;
  private readonly roles: RoleSync;
  private readonly definers: DefinerIndex;
  private detected: Promise<ServerInfo> | undefined;

  constructor(options: MysqlDatabaseAccessOptions) {
    this.options = resolveOptions(options);
    this.sql = new AdminSql(this.options.pool);
    this.isProtected = protectedTableMatcher(this.options.protectedTables);
    this.roles = new RoleSync({
      sql: this.sql,
      target: this.options.target,
      schemas: this.options.schemas,
      privileges: this.options.privileges,
      isProtected: this.isProtected,
      fullCheckIntervalMs: this.options.fullCheckIntervalMs,
      now: this.options.now,
    });
    this.definers = new DefinerIndex(this.sql, this.options.schemas, {
      maxAgeMs: this.options.fullCheckIntervalMs,
      now: this.options.now,
    });
  }

  /** Dialect of the server, detected once (again after a failed detection). */
  serverInfo(): Promise<ServerInfo> {
    this.detected ??= detectServer(this.sql).catch((e: unknown) => {
      this.detected = undefined;
      throw e;
    });
    return this.detected;
  }

  /** `roles` or `direct`, resolving `auto` against the server. */
  async effectiveMode(): Promise<'roles' | 'direct'> {
    return this.modeFor(await this.serverInfo());
  }

  roleName(tier: Tier): string {
    return this.roles.roleName(tier);
  }

  /** Sync the tier's role now (roles mode); `force` compares everything even if no DDL ran. */
  async syncRole(tier: Tier, force = false): Promise<RoleSyncReport> {
    const server = await this.serverInfo();
    if (this.modeFor(server) !== 'roles') {
      throw new ConfigError(`target ${this.options.target} does not use roles`);
    }
    return this.roles.sync(tier, server, force);
  }

  async createAccount(account: DbAccountRef, tier: Tier, password: string): Promise<void> {
    const target = assertAccount(account);
    assertPassword(password);
    const server = await this.serverInfo();
    if (this.modeFor(server) === 'roles') {
      const { role } = await this.roles.sync(tier, server, false);
      if (await this.upsertUser(server, target, password)) await this.stripAccount(server, target);
      await this.grantRole(server, tier, role, target);
    } else {
      await this.upsertUser(server, target, password);
      await this.syncDirect(server, target, tier);
    }
  }

  async rotatePassword(account: DbAccountRef, password: string): Promise<void> {
    const target = assertAccount(account);
    assertPassword(password);
    await this.sql.runSecret(
      'rotate-password',
      (lit) => `ALTER USER ${accountSql(target)} IDENTIFIED BY ${lit}`,
      password,
    );
  }

  async refreshGrants(account: DbAccountRef, tier: Tier): Promise<void> {
    const target = assertAccount(account);
    const server = await this.serverInfo();
    if (!(await accountExists(this.sql, server, target, 'grant'))) {
      throw new DependencyError('grant', `account ${target.user}@${target.host} does not exist`);
    }
    if (this.modeFor(server) === 'roles') {
      const { role } = await this.roles.sync(tier, server, true);
      await this.grantRole(server, tier, role, target);
    } else {
      await this.syncDirect(server, target, tier);
    }
  }

  async dropAccount(account: DbAccountRef): Promise<DropReport> {
    const target = assertAccount(account);
    const server = await this.serverInfo();
    const knownRoles = new Map(TIERS.map((t) => [this.roleName(t), this.options.privileges[t]] as const));
    return teardownAccount(
      {
        sql: this.sql,
        server,
        definers: this.definers,
        knownRoles,
        kill: { mode: this.options.kill, rounds: this.options.killRounds, pauseMs: this.options.killPauseMs },
      },
      target,
    );
  }

  async listAccounts(userNames: readonly string[]): Promise<DbAccount[]> {
    if (userNames.length === 0) return [];
    return listAccounts(this.sql, await this.serverInfo(), userNames);
  }

  private modeFor(server: ServerInfo): 'roles' | 'direct' {
    const mode = this.options.grantMode;
    if (mode === 'direct') return 'direct';
    if (server.hasRoles) return 'roles';
    if (mode === 'roles') {
      throw new ConfigError(`target ${this.options.target}: grantMode roles, but the server has no roles`);
    }
    return 'direct';
  }

  /** CREATE USER, or for an existing account a new password (and unlocked). Returns whether it existed. */
  private async upsertUser(server: ServerInfo, account: DbAccountRef, password: string): Promise<boolean> {
    const target = accountSql(account);
    const failed = await this.sql.runSecret(
      'create-account',
      (lit) => `CREATE USER ${target} IDENTIFIED BY ${lit}`,
      password,
      [ER.CANNOT_USER],
    );
    if (failed === undefined) return false;
    const unlock = server.hasAccountLock ? ' ACCOUNT UNLOCK' : '';
    await this.sql.runSecret(
      'create-account',
      (lit) => `ALTER USER ${target} IDENTIFIED BY ${lit}${unlock}`,
      password,
    );
    return true;
  }

  /** An existing account may hold another tier's role or stray grants: start it from nothing. */
  private async stripAccount(server: ServerInfo, account: DbAccountRef): Promise<void> {
    const target = accountSql(account);
    for (const role of await rolesOf(this.sql, server, account, 'grant')) {
      await this.sql.runTolerating('grant', `REVOKE ${role.sql} FROM ${target}`, [ER.NONEXISTING_GRANT]);
    }
    await this.sql.run('grant', `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${target}`);
  }

  /** GRANT role + default role. A role dropped behind our back is re-created by a forced sync, once. */
  private async grantRole(
    server: ServerInfo,
    tier: Tier,
    role: string,
    account: DbAccountRef,
  ): Promise<void> {
    const grant = `GRANT ${roleSql(server, role)} TO ${accountSql(account)}`;
    try {
      await this.sql.run('grant', grant);
    } catch {
      this.roles.forget(tier);
      await this.roles.sync(tier, server, true);
      await this.sql.run('grant', grant);
    }
    await this.sql.run('grant', setDefaultRoleSql(server, role, account));
  }

  private syncDirect(server: ServerInfo, account: DbAccountRef, tier: Tier): Promise<ApplyReport> {
    return syncGrantee({
      sql: this.sql,
      server,
      grantee: { user: account.user, host: account.host, sql: accountSql(account) },
      schemas: this.options.schemas,
      privileges: this.options.privileges[tier],
      isProtected: this.isProtected,
      step: 'grant',
    });
  }
}

export function createMysqlDatabaseAccess(options: MysqlDatabaseAccessOptions): MysqlDatabaseAccess {
  return new MysqlDatabaseAccess(options);
}
