/**
 * What Drawbridge may touch, checked before it matters: who can approve through user groups, whether the
 * admin can grant the tier roles another admin created, and whether a requester's name is already an
 * account Drawbridge did not make (provisioning would refuse it).
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { roleNameFor } from '../../adapters/mysql/index.js';
import type { ServerInfo } from '../../adapters/mysql/server-dialect.js';
import type { TargetConfig } from '../../config/config-types.js';
import { TIERS } from '../../domain/types.js';
import { check, type DoctorCheck } from './check.js';

/** Slack lets any member edit a user group unless an admin restricts it: a group approver is only as safe. */
export function approversCheck(name: string, target: TargetConfig): DoctorCheck {
  const byGroup = Object.entries(target.policy.tiers).flatMap(([tier, p]) => {
    const groups = p.approvers.filter((id) => id.startsWith('S'));
    return groups.length > 0 && !p.autoApprove ? [`${tier} (${groups.join(', ')})`] : [];
  });
  if (byGroup.length === 0) return check(name, 'ok', 'approvers are listed by user id');
  return check(
    name,
    'warn',
    `approval through user groups on ${byGroup.join(', ')}: Slack lets any member edit user groups unless a workspace admin restricts it (Settings & administration → Workspace settings → Permissions → User Groups); restrict it, or list user ids`,
  );
}

/**
 * MariaDB lets only a holder WITH ADMIN OPTION grant a role; after the admin account is rotated the new one
 * holds none of the roles the old one created. Drawbridge adopts them on first use; this says so ahead.
 */
export async function tierRolesCheck(
  name: string,
  conn: Connection,
  target: TargetConfig,
  server: ServerInfo,
  grantLines: readonly string[],
): Promise<DoctorCheck> {
  const usesRoles = target.grantMode === 'roles' || (target.grantMode === 'auto' && server.hasRoles);
  if (!usesRoles) return check(name, 'ok', 'direct grants: no roles to hold');
  const roles = TIERS.filter((t) => target.policy.tiers[t]).map((t) => roleNameFor(target.name, t));
  const [[me]] = await conn.query<RowDataPacket[]>('SELECT CURRENT_USER() AS me');
  const account = String(me?.me ?? '');
  const at = account.lastIndexOf('@');
  const [user, host] = [account.slice(0, at), account.slice(at + 1)];
  let existing: string[];
  let held: Set<string>;
  if (server.flavor === 'mariadb') {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT User AS u, is_role AS r FROM mysql.user WHERE User IN (?)',
      [roles],
    );
    existing = rows.filter((r) => String(r.r) === 'Y').map((r) => String(r.u));
    const [mapped] = await conn.query<RowDataPacket[]>(
      "SELECT Role AS r FROM mysql.roles_mapping WHERE User = ? AND Host = ? AND Admin_option = 'Y'",
      [user, host],
    );
    held = new Set(mapped.map((r) => String(r.r)));
  } else {
    if (grantLines.some((l) => /\b(ROLE_ADMIN|SUPER)\b|ALL PRIVILEGES ON \*\.\*/i.test(l))) {
      return check(name, 'ok', `${account} may grant any role (ROLE_ADMIN)`);
    }
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT User AS u FROM mysql.user WHERE User IN (?) AND Host = ?',
      [roles, server.roleHost],
    );
    existing = rows.map((r) => String(r.u));
    const [edges] = await conn.query<RowDataPacket[]>(
      "SELECT FROM_USER AS r FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ? AND WITH_ADMIN_OPTION = 'Y'",
      [user, host],
    );
    held = new Set(edges.map((r) => String(r.r)));
  }
  const foreign = existing.filter((r) => !held.has(r));
  if (foreign.length === 0) {
    return check(
      name,
      'ok',
      existing.length === 0
        ? 'the tier roles do not exist yet; this admin creates (and so may grant) them'
        : `${account} may grant ${existing.join(', ')}`,
    );
  }
  const fix = foreign.map((r) => `GRANT \`${r}\` TO '${user}'@'${host}' WITH ADMIN OPTION`).join('; ');
  if (server.flavor === 'mariadb') {
    return check(
      name,
      'warn',
      `${foreign.join(', ')} ${foreign.length === 1 ? 'was' : 'were'} created by another admin: Drawbridge adopts ${foreign.length === 1 ? 'it' : 'them'} on first use (needs INSERT on mysql.* and RELOAD), or run as an account holding ${foreign.length === 1 ? 'it' : 'them'}: ${fix}`,
    );
  }
  return check(
    name,
    'fail',
    `${account} cannot grant ${foreign.join(', ')}: GRANT ROLE_ADMIN ON *.* TO '${user}'@'${host}', or ${fix}`,
  );
}

/** Accounts already named like a requester: Drawbridge will not touch them, so such a request is refused. */
export async function accountNamesCheck(
  name: string,
  conn: Connection,
  target: TargetConfig,
  names: readonly string[],
): Promise<DoctorCheck> {
  if (names.length === 0) {
    return check(
      name,
      'ok',
      'names come from Slack e-mails; set userPrefix (e.g. dbx_) if they may match service accounts',
    );
  }
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT User AS u, Host AS h FROM mysql.user WHERE User IN (?) ORDER BY User, Host',
    [names],
  );
  const taken = rows.map((r) => `${String(r.u)}@${String(r.h)}`);
  if (taken.length === 0) return check(name, 'ok', `none of ${names.length} requester name(s) is taken`);
  const prefix =
    target.policy.userPrefix === ''
      ? 'set userPrefix (e.g. dbx_) on this target'
      : 'choose another userPrefix';
  return check(
    name,
    'warn',
    `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}: unless ${taken.length === 1 ? 'it is' : 'they are'} live Drawbridge access, Drawbridge will not touch ${taken.length === 1 ? 'it' : 'them'} and refuses such a request; ${prefix}`,
  );
}
