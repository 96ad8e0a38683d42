import { randomBytes } from 'node:crypto';
import { DependencyError } from '../../domain/errors.js';
import type { DropReport } from '../../domain/ports.js';
import type { DbAccountRef } from '../../domain/types.js';
import { type AdminSql, ER } from './admin-sql.js';
import { type KillOptions, killConnections } from './connection-killer.js';
import type { DefinerIndex } from './definer-objects.js';
import { definerSearch } from './definer-search.js';
import { accountExists, rolesOf, setDefaultRoleSql } from './dialect.js';
import { revokeRoles } from './role-admin.js';
import type { ServerInfo } from './server-info.js';
import { accountSql } from './sql-text.js';

export interface TeardownDeps {
  sql: AdminSql;
  server: ServerInfo;
  definers: DefinerIndex;
  /** Drawbridge's roles on this target and the privileges each holds. */
  knownRoles: ReadonlyMap<string, readonly string[]>;
  kill: KillOptions;
}

/**
 * Removes an account for good. Order matters: its sessions are killed first — KILL needs no lock, so a
 * backup's global read lock that makes DROP USER wait does not keep a session alive — then no new logins
 * (DROP USER, or ACCOUNT LOCK for a DEFINER), then whatever connected meanwhile is killed and nothing may be
 * left. Idempotent: an absent account is reported `absent`, and its connections are still killed (a crash
 * may have left them behind).
 */
export async function teardownAccount(deps: TeardownDeps, account: DbAccountRef): Promise<DropReport> {
  const { sql, server } = deps;
  if (!(await accountExists(sql, server, account, 'drop-account'))) {
    const killedConnections = await killConnections(sql, account, deps.kill);
    return { outcome: 'absent', killedConnections, definerObjects: [], roleDefinerObjects: [] };
  }
  // The roles are read once, before anything is revoked: both searches need them.
  const roles = await rolesOf(sql, server, account, 'find-definer-objects');
  const search = await definerSearch(sql, account, deps.knownRoles, roles, 'find-definer-objects');
  const objects = await deps.definers.find(account, search, 'find-definer-objects');
  const roleDefinerObjects = await objectsOfHeldRoles(deps, roles);
  const killedFirst = await killConnections(sql, account, deps.kill);
  if (objects.length > 0) {
    const locked = await lockAccount(deps, account, objects);
    return { ...locked, killedConnections: killedFirst + locked.killedConnections, roleDefinerObjects };
  }

  const drop = await sql.runReadingWarnings(
    'drop-account',
    () => `DROP USER IF EXISTS ${accountSql(account)}`,
  );
  if (drop.errno === ER.USER_REFERENCED_AS_DEFINER) {
    // MySQL 8.0.22+ knows of an object the narrow search did not cover: search everywhere and lock.
    const all = await deps.definers.find(account, { views: 'all', triggers: 'all' }, 'find-definer-objects');
    const locked = await lockAccount(deps, account, all);
    return { ...locked, killedConnections: killedFirst + locked.killedConnections, roleDefinerObjects };
  }
  if (drop.errno !== undefined) {
    const why = drop.warnings.find((w) => w.level === 'Error')?.message ?? `error ${drop.errno}`;
    throw new DependencyError('drop-account', `DROP USER ${account.user}@${account.host} failed: ${why}`);
  }
  if (drop.warnings.some((w) => w.code === ER.WARN_USER_REFERENCED_AS_DEFINER)) {
    // With SET_USER_ID, MySQL 8.0.22+ drops a DEFINER with warning 4005 and leaves its objects orphaned
    // (they fail, or run as whoever is created under that name next). Put the account back, locked: its
    // objects have their DEFINER again and nobody can log in as it.
    const all = await deps.definers.find(account, { views: 'all', triggers: 'all' }, 'find-definer-objects');
    await recreateLocked(deps, account);
    const killedConnections = killedFirst + (await killConnections(sql, account, deps.kill));
    return { outcome: 'locked', killedConnections, definerObjects: all, roleDefinerObjects };
  }
  const killedConnections = killedFirst + (await killConnections(sql, account, deps.kill));
  if (await accountExists(sql, server, account, 'drop-account')) {
    throw new DependencyError('drop-account', `${account.user}@${account.host} still exists after DROP USER`);
  }
  return { outcome: 'dropped', killedConnections, definerObjects: [], roleDefinerObjects };
}

/** CREATE USER … ACCOUNT LOCK with a password nobody knows (no privilege, no role: a fresh account has none). */
async function recreateLocked(deps: TeardownDeps, account: DbAccountRef): Promise<void> {
  const unknown = randomBytes(24).toString('base64url');
  await deps.sql.runSecret(
    'lock-account',
    (literal) => `CREATE USER IF NOT EXISTS ${accountSql(account)} IDENTIFIED BY ${literal} ACCOUNT LOCK`,
    unknown,
  );
}

/** Privileges that make a stored object (whose DEFINER its maker may set to the current role). */
const OBJECT_CREATING: readonly string[] = ['CREATE VIEW', 'TRIGGER', 'CREATE ROUTINE', 'EVENT'];

/**
 * Objects whose DEFINER is one of Drawbridge's roles the account holds (`CREATE DEFINER=CURRENT_ROLE VIEW …`).
 * They are not the account's, so they do not stop its drop, but they outlive it and run with the role's
 * rights: the teardown reports them. Searched where the role's privileges let such objects be made.
 */
async function objectsOfHeldRoles(deps: TeardownDeps, roles: readonly { name: string }[]): Promise<string[]> {
  const found: string[] = [];
  for (const role of roles) {
    const privileges = deps.knownRoles.get(role.name);
    // A role that cannot create a stored object (READ, DML) cannot be the DEFINER of one: nothing to search.
    if (!privileges?.some((p) => OBJECT_CREATING.includes(p))) continue;
    const search = {
      views: privileges.includes('CREATE VIEW') ? ('configured' as const) : ('none' as const),
      triggers: privileges.includes('TRIGGER') ? ('configured' as const) : ('none' as const),
    };
    const asRole = { user: role.name, host: deps.server.roleHost };
    found.push(...(await deps.definers.find(asRole, search, 'find-definer-objects')));
  }
  return found;
}

/**
 * Dropping the DEFINER would orphan its objects (and MySQL 8.0.22+ refuses): lock the account instead,
 * strip every privilege and role, then kill its connections. Where ACCOUNT LOCK does not exist (MariaDB
 * before 10.4.2), an unknown random password stands in for the lock.
 */
async function lockAccount(
  deps: TeardownDeps,
  account: DbAccountRef,
  objects: string[],
): Promise<Omit<DropReport, 'roleDefinerObjects'>> {
  const { sql, server } = deps;
  const target = accountSql(account);
  if (server.hasAccountLock) {
    await sql.run('lock-account', `ALTER USER ${target} ACCOUNT LOCK`);
  } else {
    const unknown = randomBytes(24).toString('base64url');
    await sql.runSecret(
      'lock-account',
      (literal) => `SET PASSWORD FOR ${target} = PASSWORD(${literal})`,
      unknown,
    );
  }
  await revokeRoles(sql, server, account, 'revoke');
  await sql.run('revoke', `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${target}`);
  if (server.hasRoles) await sql.run('revoke', setDefaultRoleSql(server, null, account));
  const killedConnections = await killConnections(sql, account, deps.kill);
  return { outcome: 'locked', killedConnections, definerObjects: objects };
}
