import {
  AccountExistsError,
  ConfigError,
  DependencyError,
  PasswordRefusedError,
} from '../../domain/errors.js';
import type { DatabaseAccess, DropReport } from '../../domain/ports.js';
import type { TableMatcher } from '../../domain/protected-tables.js';
import { DEFAULT_TIER_PRIVILEGES, GRANTABLE_PRIVILEGES } from '../../domain/tiers.js';
import { type DbAccountRef, TIERS, type Tier } from '../../domain/types.js';
import { assertAccount, assertPassword, type DbAccount, listAccounts } from './accounts.js';
import { type AdminPool, AdminSql, accountSql, ER } from './admin-sql.js';
import { type ApplyReport, normalisePrivilege, syncGrantee, tableProtection } from './grants.js';
import { RoleSync, type RoleSyncReport, revokeRoles, runAsRoleAdmin } from './roles.js';
import {
  accountExists,
  detectServer,
  roleSql,
  type ServerInfo,
  setDefaultRoleSql,
} from './server-dialect.js';
import { DefinerIndex, teardownAccount } from './teardown.js';

export type GrantMode = 'auto' | 'roles' | 'direct';

export interface MysqlDatabaseAccessOptions {
  /** Admin connection to the target server (mysql2/promise). */
  pool: AdminPool;
  /** Target name from the config; names the roles (`drawbridge_<target>_<tier>`). */
  target: string;
  schemas: readonly string[];
  /** Glob patterns (`*`, `?`, case-insensitive) of tables never granted, e.g. `secret_*`, `*_pii`. */
  protectedTables: readonly string[];
  /** `auto` (default): roles where the server has them, else direct per-table grants. */
  grantMode?: GrantMode;
  /** Per tier; tiers not given keep DEFAULT_TIER_PRIVILEGES. */
  privileges?: Partial<Record<Tier, readonly string[]>>;
  /** `rds_kill` on RDS / Aurora. Default `kill`. */
  kill?: 'kill' | 'rds_kill';
  /** Rounds of list → kill before dropAccount gives up (default 10). */
  killRounds?: number;
  /** Pause unit between kill rounds (default 25 ms). */
  killPauseMs?: number;
  /** Full role check at least this often even without DDL (default 5 minutes). */
  fullCheckIntervalMs?: number;
  /** Client-side deadline of each admin statement (default 15 s). */
  statementTimeoutMs?: number;
  now?: () => number;
}

export interface ResolvedOptions {
  pool: AdminPool;
  target: string;
  schemas: readonly string[];
  protectedTables: readonly string[];
  grantMode: GrantMode;
  privileges: Readonly<Record<Tier, readonly string[]>>;
  kill: 'kill' | 'rds_kill';
  killRounds: number;
  killPauseMs: number;
  fullCheckIntervalMs: number;
  statementTimeoutMs: number;
  now: () => number;
}

const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
const ALLOWED = new Set<string>(GRANTABLE_PRIVILEGES);

/**
 * Checks the options once, at construction: never a system schema (even if configured), only table-level
 * privileges from GRANTABLE_PRIVILEGES (so no global privilege, no GRANT OPTION, no ALL), and the
 * privilege names normalised so they can be spliced into GRANT text.
 */
export function resolveOptions(options: MysqlDatabaseAccessOptions): ResolvedOptions {
  const where = `target ${JSON.stringify(options.target)}`;
  if (options.target.length === 0) throw new ConfigError('mysql access: target name is empty');
  if (options.schemas.length === 0) throw new ConfigError(`${where}: no schema configured`);
  for (const schema of options.schemas) {
    if (schema.length === 0 || schema.length > 64 || schema.includes('\u0000')) {
      throw new ConfigError(`${where}: invalid schema name ${JSON.stringify(schema)}`);
    }
    if (SYSTEM_SCHEMAS.has(schema.toLowerCase())) {
      throw new ConfigError(`${where}: system schema ${JSON.stringify(schema)} can never be granted`);
    }
  }
  for (const pattern of options.protectedTables) {
    if (pattern.trim().length === 0) throw new ConfigError(`${where}: empty protected-table pattern`);
  }
  const privileges = {} as Record<Tier, readonly string[]>;
  for (const tier of TIERS) {
    const given = (options.privileges?.[tier] ?? DEFAULT_TIER_PRIVILEGES[tier]).map(normalisePrivilege);
    const refused = given.filter((p) => !ALLOWED.has(p));
    if (refused.length > 0) {
      throw new ConfigError(
        `${where}: tier ${tier} has privileges that cannot be granted: ${refused.join(', ')}`,
      );
    }
    privileges[tier] = [...new Set(given)];
  }
  return {
    pool: options.pool,
    target: options.target,
    schemas: [...new Set(options.schemas)],
    protectedTables: [...options.protectedTables],
    grantMode: options.grantMode ?? 'auto',
    privileges,
    kill: options.kill ?? 'kill',
    killRounds: options.killRounds ?? 10,
    killPauseMs: options.killPauseMs ?? 25,
    fullCheckIntervalMs: options.fullCheckIntervalMs ?? 5 * 60_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 15_000,
    now: options.now ?? Date.now,
  };
}

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
  private readonly isProtected: TableMatcher | undefined;
  private readonly roles: RoleSync;
  private readonly definers: DefinerIndex;
  private detected: Promise<ServerInfo> | undefined;

  constructor(options: MysqlDatabaseAccessOptions) {
    this.options = resolveOptions(options);
    this.sql = new AdminSql(this.options.pool, this.options.statementTimeoutMs);
    this.isProtected = tableProtection(this.options.protectedTables);
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

  /**
   * CREATE USER, refused first when stored objects name the account as DEFINER (left by an account of that
   * name dropped by hand, or by MySQL with SET_USER_ID): the new account would become their owner — MySQL
   * 8.0.22+ refuses with 4006 unless the admin has SET_USER_ID, and then adopts them silently, as MariaDB
   * does. Routines and events are looked up everywhere, views and triggers in the configured schemas (the
   * only place Drawbridge's grants let an account make one).
   */
  async createUser(account: DbAccountRef, password: string): Promise<void> {
    const target = assertAccount(account);
    assertPassword(password);
    const orphans = await this.definers.find(
      target,
      { views: 'configured', triggers: 'configured' },
      'create-account',
    );
    if (orphans.length > 0) throw orphanedDefinerError(target, orphans);
    const failed = await this.sql.runSecret(
      'create-account',
      (lit) => `CREATE USER ${accountSql(target)} IDENTIFIED BY ${lit}`,
      password,
      [ER.CANNOT_USER, ER.NOT_VALID_PASSWORD, ER.USER_REFERENCED_AS_DEFINER],
    );
    refusedPassword('create-account', failed);
    if (failed === ER.USER_REFERENCED_AS_DEFINER) throw orphanedDefinerError(target, []);
    if (failed !== undefined) throw new AccountExistsError(target.user, target.host);
  }

  async resetUser(account: DbAccountRef, password: string): Promise<void> {
    const target = assertAccount(account);
    assertPassword(password);
    const server = await this.serverInfo();
    const unlock = server.hasAccountLock ? ' ACCOUNT UNLOCK' : '';
    await this.setPassword('create-account', target, password, unlock);
    await this.stripAccount(server, target);
  }

  async grantTier(account: DbAccountRef, tier: Tier): Promise<void> {
    const target = assertAccount(account);
    const server = await this.serverInfo();
    if (this.modeFor(server) === 'roles') {
      const { role } = await this.roles.sync(tier, server, false);
      await this.grantRole(server, tier, role, target);
    } else {
      await this.syncDirect(server, target, tier);
    }
  }

  /** `createUser` then `grantTier`: a new account with the tier's grants (the demo, benchmarks and tests). */
  async createAccount(account: DbAccountRef, tier: Tier, password: string): Promise<void> {
    await this.createUser(account, password);
    await this.grantTier(account, tier);
  }

  async syncTierGrants(tiers: readonly Tier[]): Promise<void> {
    const server = await this.serverInfo();
    if (this.modeFor(server) !== 'roles') return;
    for (const tier of tiers) await this.roles.sync(tier, server, false);
  }

  async accountExists(account: DbAccountRef): Promise<boolean> {
    return accountExists(this.sql, await this.serverInfo(), assertAccount(account), 'find-account');
  }

  async rotatePassword(account: DbAccountRef, password: string): Promise<void> {
    const target = assertAccount(account);
    assertPassword(password);
    await this.setPassword('rotate-password', target, password);
  }

  /**
   * ALTER USER … IDENTIFIED BY. A password policy's refusal is 1819 on MySQL, and on MariaDB error 1396
   * with warning 1819 beside it: both are a PasswordRefusedError, so the caller tries another password.
   */
  private async setPassword(
    step: string,
    account: DbAccountRef,
    password: string,
    suffix = '',
  ): Promise<void> {
    const { errno, warnings } = await this.sql.runReadingWarnings(
      step,
      (lit) => `ALTER USER ${accountSql(account)} IDENTIFIED BY ${lit}${suffix}`,
      password,
    );
    if (errno === undefined) return;
    const refusal = warnings.find((w) => w.code === ER.NOT_VALID_PASSWORD);
    if (errno === ER.NOT_VALID_PASSWORD || refusal) {
      throw new PasswordRefusedError(step, refusal?.message ?? POLICY_REFUSAL);
    }
    const error = warnings.find((w) => w.level === 'Error')?.message ?? `error ${errno}`;
    throw new DependencyError(step, `ALTER USER ${account.user}@${account.host} failed: ${error}`);
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

  /** Accounts (any host) whose user name is one of `userNames` (doctor: names that are somebody else's). */
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

  /** An account of an interrupted run may hold another tier's role or stray grants: start it from nothing. */
  private async stripAccount(server: ServerInfo, account: DbAccountRef): Promise<void> {
    await revokeRoles(this.sql, server, account, 'grant');
    await this.sql.run('grant', `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${accountSql(account)}`);
  }

  /**
   * GRANT role + default role. A role another admin created is adopted (roles.ts); a role dropped
   * behind our back is re-created by a forced sync, once.
   */
  private async grantRole(
    server: ServerInfo,
    tier: Tier,
    role: string,
    account: DbAccountRef,
  ): Promise<void> {
    const grant = `GRANT ${roleSql(server, role)} TO ${accountSql(account)}`;
    try {
      await runAsRoleAdmin(this.sql, server, role, grant, 'grant');
    } catch {
      this.roles.forget(tier);
      await this.roles.sync(tier, server, true);
      await runAsRoleAdmin(this.sql, server, role, grant, 'grant');
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

function orphanedDefinerError(account: DbAccountRef, objects: readonly string[]): DependencyError {
  const what = objects.length > 0 ? objects.join(', ') : 'stored objects (the server refused with 4006)';
  return new DependencyError(
    'create-account',
    `${account.user}@${account.host} is the DEFINER of ${what}, left by an account of that name that was dropped: creating it would make them the new account's. Drop them or change their DEFINER, then try again`,
  );
}

const POLICY_REFUSAL = 'Your password does not satisfy the current policy requirements (1819)';

/** `validate_password` (STRONG, with a dictionary) refused a random password: the caller tries another. */
function refusedPassword(step: string, errno: number | undefined): void {
  if (errno === ER.NOT_VALID_PASSWORD) throw new PasswordRefusedError(step, POLICY_REFUSAL);
}

export function createMysqlDatabaseAccess(options: MysqlDatabaseAccessOptions): MysqlDatabaseAccess {
  return new MysqlDatabaseAccess(options);
}
