import type { RowDataPacket } from 'mysql2/promise';
import type { AdminSql } from './admin-sql.js';

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
