/**
 * The grant model, pure: what a grantee (a role or a user) should hold on the configured schemas, and
 * the statements that take it from what it holds now to that. No I/O here (grant-state.ts reads).
 * Privilege sets are canonical strings (`SELECT,SHOW VIEW`): at 10,000 tables a Set per table made the
 * comparison cost more than reading the server.
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
  /** A privilegeKey. */
  privileges: string;
}

export interface GrantSet {
  /** Schema → privilegeKey of the privileges on `schema`.* */
  schemas: Map<string, string>;
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

/** Canonical form of a privilege set: normalised, unique, sorted, comma-separated ('' when empty). */
export const privilegeKey = (privileges: Iterable<string>): string =>
  [...new Set([...privileges].map(normalisePrivilege).filter((p) => p.length > 0))].sort().join(',');

const privilegesOf = (key: string): string[] => (key === '' ? [] : key.split(','));

/**
 * What the grantee should hold. Where the target protects nothing (`isProtected` undefined) each schema gets
 * one schema-level grant. Otherwise every unprotected table is granted on its own — even in a schema that has
 * no protected table today, since one created or renamed into a pattern tomorrow must be closed at once —
 * plus CREATE / CREATE VIEW at schema level when the tier has them (MySQL gives a table's creator no rights
 * on it). A schema that does not exist gets nothing: a schema-level grant on it would open whatever is
 * created there later.
 */
export function planGrants(
  listings: readonly SchemaListing[],
  privileges: readonly string[],
  isProtected: TableMatcher | undefined,
): GrantSet {
  const plan = emptyGrantSet();
  const all = privilegeKey(privileges);
  if (all === '') return plan;
  const schemaLevel = privilegeKey(
    privilegesOf(all).filter((p) => SCHEMA_LEVEL_BESIDE_PROTECTED.includes(p)),
  );
  for (const { schema, exists, tables } of listings) {
    if (!exists) continue;
    if (!isProtected) {
      plan.schemas.set(schema, all);
      continue;
    }
    if (schemaLevel !== '') plan.schemas.set(schema, schemaLevel);
    for (const table of tables) {
      if (!isProtected(table)) plan.tables.set(tableKey(schema, table), { schema, table, privileges: all });
    }
  }
  return plan;
}

export type GrantStep =
  | { op: 'revoke-schema'; schema: string; privileges: string[]; grantOption: boolean }
  | { op: 'revoke-table'; schema: string; table: string; privileges: string[]; grantOption: boolean }
  | { op: 'grant-schema'; schema: string; privileges: string[] }
  | { op: 'grant-table'; schema: string; table: string; privileges: string[] };

/** What the grantee holds beyond the plan (to revoke) and whether anything planned is missing (to grant). */
function compare(want = '', have = ''): { extra: string[]; missing: boolean } {
  if (want === have) return { extra: [], missing: false };
  const w = new Set(privilegesOf(want));
  const h = new Set(privilegesOf(have));
  return { extra: [...h].filter((p) => !w.has(p)), missing: [...w].some((p) => !h.has(p)) };
}

/** A revoke of exactly `extra`: REVOKE needs each privilege it names, so never ALL PRIVILEGES. */
const revokeOf = (extra: readonly string[]) => ({
  privileges: extra.filter((p) => p !== 'GRANT'),
  grantOption: extra.includes('GRANT'),
});

/**
 * The statements from `current` to `desired`, revokes first so that a table that became protected (or a
 * schema that gained a protected table) is closed before anything else happens. A grantee holding more
 * than it should on an object loses exactly the extra privileges (GRANT OPTION included), named one by
 * one: the admin may hold only what the tiers grant, and REVOKE ALL PRIVILEGES would need every privilege
 * there is. Missing privileges are granted with the full planned set (GRANT is idempotent).
 */
export function diffGrants(desired: GrantSet, current: GrantSet): GrantStep[] {
  const revokes: GrantStep[] = [];
  const grants: GrantStep[] = [];
  for (const schema of new Set([...desired.schemas.keys(), ...current.schemas.keys()])) {
    const want = desired.schemas.get(schema);
    const { extra, missing } = compare(want, current.schemas.get(schema));
    if (extra.length > 0) revokes.push({ op: 'revoke-schema', schema, ...revokeOf(extra) });
    if (missing && want) grants.push({ op: 'grant-schema', schema, privileges: privilegesOf(want) });
  }
  const visit = (want: TableGrant | undefined, have: TableGrant | undefined) => {
    const { extra, missing } = compare(want?.privileges, have?.privileges);
    const { schema, table } = (want ?? have)!;
    if (extra.length > 0) revokes.push({ op: 'revoke-table', schema, table, ...revokeOf(extra) });
    if (missing && want) {
      grants.push({ op: 'grant-table', schema, table, privileges: privilegesOf(want.privileges) });
    }
  };
  for (const [key, want] of desired.tables) visit(want, current.tables.get(key));
  for (const [key, have] of current.tables) if (!desired.tables.has(key)) visit(undefined, have);
  return [...revokes, ...grants];
}
