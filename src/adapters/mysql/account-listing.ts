import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';
import type { ServerInfo } from './server-info.js';

export interface DbAccount extends DbAccountRef {
  locked: boolean;
}

const yes = (v: unknown) => v === 'true' || v === 'Y' || v === 1 || v === '1';

/**
 * Accounts (any host) named in `userNames`, roles excluded, with whether each is locked: MariaDB 10.4+
 * keeps the flag in `mysql.global_priv` JSON, MySQL in `mysql.user.account_locked`. Flags are compared
 * here rather than in SQL: MariaDB's JSON and view columns clash with the connection's collation.
 */
export async function listAccounts(
  sql: AdminSql,
  server: ServerInfo,
  userNames: readonly string[],
): Promise<DbAccount[]> {
  let query: string;
  if (server.hasGlobalPriv) {
    query = `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.account_locked') AS locked,
             JSON_VALUE(Priv, '$.is_role') AS role FROM mysql.global_priv WHERE User IN (?)`;
  } else if (server.flavor === 'mariadb') {
    const role = server.hasRoles ? 'is_role' : "'N'";
    query = `SELECT User AS user, Host AS host, 'N' AS locked, ${role} AS role FROM mysql.user WHERE User IN (?)`;
  } else {
    // MySQL 8 roles are accounts; those granted to someone show up in role_edges.
    const role = server.hasRoles
      ? 'EXISTS (SELECT 1 FROM mysql.role_edges e WHERE e.FROM_USER = u.User AND e.FROM_HOST = u.Host)'
      : '0';
    query = `SELECT User AS user, Host AS host, account_locked AS locked, ${role} AS role
             FROM mysql.user u WHERE User IN (?)`;
  }
  const rows = await sql.rows<RowDataPacket>('list-accounts', query, [userNames]);
  return rows
    .filter((r) => !yes(r.role))
    .map((r) => ({ user: String(r.user), host: String(r.host), locked: yes(r.locked) }))
    .sort((a, b) => a.user.localeCompare(b.user) || a.host.localeCompare(b.host));
}
