/**
 * The grant model, pure: what a grantee (a role or a user) should hold on the configured schemas, and
 * the statements that take it from what it holds now to that. No I/O here (grant-state.ts reads).
 */
import type { TableMatcher } from './protected-tables.js';
import { tableKey } from './sql-text.js';

export interface SchemaListing {
  schema: string;
  exists: boolean;
  /** Base tables, views and sequences alike: views count as tables for SELECT / SHOW VIEW. */
  tables: readonly string[];
}

export interface TableGrant {
  schema: string;
  table: string;
  privileges: Set<string>;
}

export interface GrantSet {
  /** Schema → privileges on `schema`.* */
  schemas: Map<string, Set<string>>;
  /** tableKey(schema, table) → privileges on that table. */
  tables: Map<string, TableGrant>;
}

/**
 * The only schema-level privileges a schema with protected tables gets: enough to create new objects,
 * never DROP/ALTER/SELECT at schema level, which would reach the protected tables.
 */
export const SCHEMA_LEVEL_BESIDE_PROTECTED: readonly string[] = ['CREATE', 'CREATE VIEW'];

export const emptyGrantSet = (): GrantSet => ({ schemas: new Map(), tables: new Map() });

/** `Select`, `show  view` → `SELECT`, `SHOW VIEW`. */
export const normalisePrivilege = (p: string): string => p.trim().replace(/\s+/g, ' ').toUpperCase();

/**
 * What the grantee should hold. A schema whose tables match no protected pattern gets one schema-level
 * grant; otherwise every unprotected table is granted on its own, plus CREATE / CREATE VIEW at schema
 * level when the tier has them. A schema that does not exist gets nothing: a schema-level grant on it
 * would open whatever is created there later, protected tables included.
 */
export function planGrants(
  listings: readonly SchemaListing[],
  privileges: readonly string[],
  isProtected: TableMatcher,
): GrantSet {
  const plan = emptyGrantSet();
  const privs = privileges.map(normalisePrivilege);
  for (const { schema, exists, tables } of listings) {
    if (!exists || privs.length === 0) continue;
    const open = tables.filter((t) => !isProtected(t));
    if (open.length === tables.length) {
      plan.schemas.set(schema, new Set(privs));
      continue;
    }
    const schemaLevel = privs.filter((p) => SCHEMA_LEVEL_BESIDE_PROTECTED.includes(p));
    if (schemaLevel.length > 0) plan.schemas.set(schema, new Set(schemaLevel));
    for (const table of open)
      plan.tables.set(tableKey(schema, table), { schema, table, privileges: new Set(privs) });
  }
  return plan;
}

export type GrantStep =
  | { op: 'revoke-schema'; schema: string; grantOption: boolean }
  | { op: 'revoke-table'; schema: string; table: string; grantOption: boolean }
  | { op: 'grant-schema'; schema: string; privileges: string[] }
  | { op: 'grant-table'; schema: string; table: string; privileges: string[] };

type Change = 'none' | 'add' | 'replace';

function compare(want: ReadonlySet<string> | undefined, have: ReadonlySet<string> | undefined): Change {
  const w = want ?? new Set<string>();
  const h = have ?? new Set<string>();
  for (const p of h) if (!w.has(p)) return 'replace';
  for (const p of w) if (!h.has(p)) return 'add';
  return 'none';
}

/**
 * The statements from `current` to `desired`, revokes first so that a table that became protected (or a
 * schema that gained a protected table) is closed before anything else happens. A grantee holding more
 * than it should on an object loses everything there (GRANT OPTION too, which `ALL PRIVILEGES` leaves)
 * and is granted the desired set again.
 */
export function diffGrants(desired: GrantSet, current: GrantSet): GrantStep[] {
  const revokes: GrantStep[] = [];
  const grants: GrantStep[] = [];
  for (const schema of new Set([...desired.schemas.keys(), ...current.schemas.keys()])) {
    const want = desired.schemas.get(schema);
    const have = current.schemas.get(schema);
    const change = compare(want, have);
    if (change === 'replace')
      revokes.push({ op: 'revoke-schema', schema, grantOption: have?.has('GRANT') ?? false });
    if (change !== 'none' && want && want.size > 0)
      grants.push({ op: 'grant-schema', schema, privileges: [...want] });
  }
  for (const key of new Set([...desired.tables.keys(), ...current.tables.keys()])) {
    const want = desired.tables.get(key);
    const have = current.tables.get(key);
    const change = compare(want?.privileges, have?.privileges);
    const at = (want ?? have)!;
    if (change === 'replace') {
      const grantOption = have?.privileges.has('GRANT') ?? false;
      revokes.push({ op: 'revoke-table', schema: at.schema, table: at.table, grantOption });
    }
    if (change !== 'none' && want && want.privileges.size > 0) {
      grants.push({
        op: 'grant-table',
        schema: at.schema,
        table: at.table,
        privileges: [...want.privileges],
      });
    }
  }
  return [...revokes, ...grants];
}
