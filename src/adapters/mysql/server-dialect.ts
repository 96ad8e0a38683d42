/** The server's dialect: MariaDB or MySQL and its version, role and default-role SQL, and the role names Drawbridge uses. */
import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef, Tier } from '../../domain/types.js';
import { type AdminSql, accountSql, quoteIdent } from './admin-sql.js';

/** What the adapter needs to know about the server's dialect. */
export interface ServerInfo {
  flavor: 'mariadb' | 'mysql';
  /** [major, minor, patch] of the server (MariaDB's `5.5.5-` replication prefix removed). */
  version: readonly [number, number, number];
  /** MariaDB ≥ 10.0.5, MySQL ≥ 8.0 (Aurora MySQL 3). */
  hasRoles: boolean;
  /** `ALTER USER … ACCOUNT LOCK`: MariaDB ≥ 10.4.2, MySQL ≥ 5.7.6. */
  hasAccountLock: boolean;
  /** MariaDB ≥ 10.4 keeps accounts in `mysql.global_priv` (JSON); `mysql.user` is a view. */
  hasGlobalPriv: boolean;
  /** Host part of a role: `''` on MariaDB, `'%'` on MySQL. */
  roleHost: string;
  /** Whether `_`/`%` in `GRANT … ON db.*` are wildcards that must be escaped (not with MySQL partial_revokes). */
  escapeSchemaWildcards: boolean;
}

type Version = readonly [number, number, number];

const atLeast = (v: Version, min: Version): boolean => {
  for (let i = 0; i < 3; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
};

/** Pure part of the detection: `VERSION()` text (e.g. `10.11.19-MariaDB-0+deb12u1`, `8.0.mysql_aurora.3.05.2`). */
export function describeServer(versionText: string, partialRevokes = false): ServerInfo {
  const text = versionText.replace(/^5\.5\.5-/, '');
  const flavor = /mariadb/i.test(text) ? 'mariadb' : 'mysql';
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  const major = Number(m?.[1] ?? 0);
  const minor = Number(m?.[2] ?? 0);
  // Aurora reports `5.7.mysql_aurora.2.x` / `8.0.mysql_aurora.3.x`: at least MySQL 5.7.12 / 8.0.23 inside.
  const auroraPatch = /mysql_aurora/i.test(text) ? (major === 5 ? 12 : 23) : 0;
  const version: Version = [major, minor, m?.[3] === undefined ? auroraPatch : Number(m[3])];
  if (flavor === 'mariadb') {
    return {
      flavor,
      version,
      hasRoles: atLeast(version, [10, 0, 5]),
      hasAccountLock: atLeast(version, [10, 4, 2]),
      hasGlobalPriv: atLeast(version, [10, 4, 1]),
      roleHost: '',
      escapeSchemaWildcards: true,
    };
  }
  return {
    flavor,
    version,
    hasRoles: atLeast(version, [8, 0, 0]),
    hasAccountLock: atLeast(version, [5, 7, 6]),
    hasGlobalPriv: false,
    roleHost: '%',
    escapeSchemaWildcards: !partialRevokes,
  };
}

export async function detectServer(sql: AdminSql): Promise<ServerInfo> {
  const [row] = await sql.rows<RowDataPacket>('detect-server', 'SELECT VERSION() AS v');
  const text = String(row?.v ?? '');
  const base = describeServer(text);
  if (base.flavor === 'mysql' && atLeast(base.version, [8, 0, 16])) {
    const [pr] = await sql.rows<RowDataPacket>('detect-server', 'SELECT @@GLOBAL.partial_revokes AS p');
    return describeServer(text, Number(pr?.p ?? 0) === 1);
  }
  return base;
}

/** The SQL that differs between MariaDB and MySQL 8 (roles, default roles, role membership). */
/** MariaDB roles have no host; MySQL 8 roles are accounts `role`@`%`. */
export function roleSql(server: ServerInfo, role: string): string {
  return server.flavor === 'mariadb'
    ? quoteIdent(role)
    : `${quoteIdent(role)}@${quoteIdent(server.roleHost)}`;
}

/** MariaDB: `SET DEFAULT ROLE r FOR u@h`; MySQL 8: `SET DEFAULT ROLE r TO u@h`. `null` clears it. */
export function setDefaultRoleSql(server: ServerInfo, role: string | null, account: DbAccountRef): string {
  const which = role === null ? 'NONE' : roleSql(server, role);
  return `SET DEFAULT ROLE ${which} ${server.flavor === 'mariadb' ? 'FOR' : 'TO'} ${accountSql(account)}`;
}

/** The roles granted directly to the account, as GRANT/REVOKE operands. */
export async function rolesOf(
  sql: AdminSql,
  server: ServerInfo,
  account: DbAccountRef,
  step: string,
): Promise<{ name: string; sql: string }[]> {
  if (!server.hasRoles) return [];
  if (server.flavor === 'mariadb') {
    const rows = await sql.rows<RowDataPacket>(
      step,
      'SELECT Role AS r FROM mysql.roles_mapping WHERE User = ? AND Host = ?',
      [account.user, account.host],
    );
    return rows.map((r) => ({ name: String(r.r), sql: quoteIdent(String(r.r)) }));
  }
  const rows = await sql.rows<RowDataPacket>(
    step,
    'SELECT FROM_USER AS r, FROM_HOST AS h FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ?',
    [account.user, account.host],
  );
  return rows.map((r) => ({
    name: String(r.r),
    sql: `${quoteIdent(String(r.r))}@${quoteIdent(String(r.h))}`,
  }));
}

/**
 * Whether `user`@`host` exists as an account (roles excluded). On MariaDB 10.4+ `mysql.user` is a view
 * whose derived columns clash with the connection's collation in comparisons, so they are compared here.
 */
export async function accountExists(
  sql: AdminSql,
  server: ServerInfo,
  account: DbAccountRef,
  step: string,
): Promise<boolean> {
  const isRole = server.flavor === 'mariadb' && server.hasRoles ? 'is_role' : "'N'";
  const rows = await sql.rows<RowDataPacket>(
    step,
    `SELECT ${isRole} AS r FROM mysql.user WHERE User = ? AND Host = ?`,
    [account.user, account.host],
  );
  return rows.some((r) => String(r.r) !== 'Y');
}

const PREFIX = 'drawbridge_';
/** MySQL 8 limits role names (they are accounts) to 32 characters, like user names. */
const MAX = 32;

/**
 * The role holding the grants of one target × tier: `drawbridge_<target>_<tier>`, lower-case `[a-z0-9_]`.
 * A target name that had to be changed (other characters, upper case) or shortened gets a hash of the
 * original, so two targets on one server never share a role by accident.
 */
export function roleNameFor(target: string, tier: Tier): string {
  const suffix = `_${tier.toLowerCase()}`;
  const room = MAX - PREFIX.length - suffix.length;
  const cleaned = target.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (cleaned === target && cleaned.length > 0 && cleaned.length <= room)
    return `${PREFIX}${cleaned}${suffix}`;
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 6);
  return `${PREFIX}${cleaned.slice(0, room - hash.length - 1)}_${hash}${suffix}`;
}
