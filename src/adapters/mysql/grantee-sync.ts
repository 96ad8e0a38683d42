import type { AdminSql } from './admin-sql.js';
import { type ApplyReport, applyGrantSteps } from './grant-apply.js';
import { diffGrants, planGrants } from './grant-plan.js';
import { type Grantee, listTables, readGrants } from './grant-state.js';
import type { TableMatcher } from './protected-tables.js';
import type { ServerInfo } from './server-info.js';

export interface GranteeSyncInput {
  sql: AdminSql;
  server: ServerInfo;
  grantee: Grantee;
  schemas: readonly string[];
  privileges: readonly string[];
  /** Undefined when the target protects nothing (see tableProtection). */
  isProtected: TableMatcher | undefined;
  step: string;
}

/**
 * Brings one grantee (a tier's role, or a user in direct mode) to the grants the tables that exist now
 * call for: lists the tables, reads what the grantee holds, and runs only the difference. O(tables) in
 * reading, O(changes) in statements.
 */
export async function syncGrantee(input: GranteeSyncInput): Promise<ApplyReport> {
  const { sql, server, grantee, schemas, step } = input;
  const listings = await listTables(sql, schemas, step);
  const desired = planGrants(listings, input.privileges, input.isProtected);
  const current = await readGrants(sql, grantee, schemas, server, step);
  return applyGrantSteps(sql, grantee, diffGrants(desired, current), server, step);
}
