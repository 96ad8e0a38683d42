import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef } from '../../domain/types.js';
import { type AdminSql, ER, errnoOf, sqlFailure } from './admin-sql.js';
import { rolesOf } from './dialect.js';
import type { ServerInfo } from './server-info.js';
import { accountSql } from './sql-text.js';

/** Only Drawbridge's own roles are ever adopted (see role-name.ts). */
const OWN_ROLE_PREFIX = 'drawbridge_';

const STEP = 'adopt-role';
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
  const me = await currentAccount(sql, STEP);
  try {
    await sql.run(
      STEP,
      `INSERT INTO mysql.roles_mapping (Host, User, Role, Admin_option) VALUES (?, ?, ?, 'Y')
       ON DUPLICATE KEY UPDATE Admin_option = 'Y'`,
      [me.host, me.user, role],
    );
    await sql.run(STEP, 'FLUSH PRIVILEGES');
  } catch (e) {
    throw sqlFailure(
      STEP,
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
