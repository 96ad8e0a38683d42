/** The SQL that differs between MariaDB and MySQL 8 (roles, default roles, role membership). */
import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';
import type { ServerInfo } from './server-info.js';
import { accountSql, quoteIdent } from './sql-text.js';

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
