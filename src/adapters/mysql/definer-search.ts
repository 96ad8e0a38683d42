/**
 * Where an account's views and triggers can be. Searching for them is costly on MariaDB (see
 * definer-objects.ts), so it is skipped when the account could not have made one: it holds no
 * CREATE VIEW / TRIGGER directly or through a role.
 */
import type { RowDataPacket } from 'mysql2/promise';
import type { DbAccountRef } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';

/** Where to look: nowhere, in the configured schemas (Drawbridge's own roles grant nothing else), or everywhere. */
export type SearchScope = 'none' | 'configured' | 'all';

export interface DefinerSearch {
  views: SearchScope;
  triggers: SearchScope;
}

const wider = (a: SearchScope, b: SearchScope): SearchScope =>
  a === 'all' || b === 'all' ? 'all' : a === 'configured' || b === 'configured' ? 'configured' : 'none';

/**
 * Decides where views and triggers the account may have created can be. `knownRoles` maps Drawbridge's
 * role names to the privileges they hold; any other role, and any direct grant, widens the search to all
 * schemas because its privileges are not known here. An account holding nothing at all was stripped
 * (a DEFINER locked by an earlier teardown) or never finished provisioning: its past is unknown, so
 * everything is searched.
 */
export async function definerSearch(
  sql: AdminSql,
  account: DbAccountRef,
  knownRoles: ReadonlyMap<string, readonly string[]>,
  roles: readonly { name: string }[],
  step: string,
): Promise<DefinerSearch> {
  let search: DefinerSearch = { views: 'none', triggers: 'none' };
  for (const role of roles) {
    const privileges = knownRoles.get(role.name);
    if (privileges === undefined) return { views: 'all', triggers: 'all' };
    search = {
      views: wider(search.views, privileges.includes('CREATE VIEW') ? 'configured' : 'none'),
      triggers: wider(search.triggers, privileges.includes('TRIGGER') ? 'configured' : 'none'),
    };
  }
  // mysql.user is a view on MariaDB 10.4+: its derived columns are compared here, not in SQL.
  const globalRows = await sql.rows<RowDataPacket>(
    step,
    'SELECT Create_view_priv AS v, Trigger_priv AS t FROM mysql.user WHERE User = ? AND Host = ?',
    [account.user, account.host],
  );
  const [scoped] = await sql.rows<RowDataPacket>(
    step,
    `SELECT MAX(v) AS v, MAX(t) AS t, COUNT(*) AS n FROM (
       SELECT Create_view_priv = 'Y' AS v, Trigger_priv = 'Y' AS t FROM mysql.db WHERE Host = ? AND User = ?
       UNION ALL SELECT FIND_IN_SET('Create View', Table_priv) > 0, FIND_IN_SET('Trigger', Table_priv) > 0
         FROM mysql.tables_priv WHERE Host = ? AND User = ?
     ) AS direct_grants`,
    [account.host, account.user, account.host, account.user],
  );
  if (roles.length === 0 && Number(scoped?.n ?? 0) === 0) return { views: 'all', triggers: 'all' };
  const direct = {
    v: globalRows.some((r) => String(r.v) === 'Y') || Number(scoped?.v ?? 0) === 1,
    t: globalRows.some((r) => String(r.t) === 'Y') || Number(scoped?.t ?? 0) === 1,
  };
  return {
    views: wider(search.views, direct.v ? 'all' : 'none'),
    triggers: wider(search.triggers, direct.t ? 'all' : 'none'),
  };
}
