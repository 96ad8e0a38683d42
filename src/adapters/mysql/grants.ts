/** Grants: protected-table patterns, the pure grant model (what a grantee should hold and the steps there), reading what it holds, and applying the steps. */
import type { RowDataPacket } from 'mysql2/promise';
import { protectedTableMatcher, type TableMatcher } from '../../domain/protected-tables.js';
import {
  type AdminSql,
  ER,
  quoteIdent,
  schemaFromGrantPattern,
  schemaGrantPattern,
  tableKey,
} from './admin-sql.js';
import type { ServerInfo } from './server-dialect.js';

/** Decides whether a table name is protected (never granted). */

/**
 * The target's protection: `undefined` when it protects nothing, the only case where a schema-level grant is
 * safe. With any pattern, every grant is per table, because a table created or renamed into the pattern later
 * would be open at once under a schema-level grant.
 */

export function tableProtection(patterns: readonly string[]): TableMatcher | undefined {
  return patterns.length === 0 ? undefined : protectedTableMatcher(patterns);
}

/**
 * The grant model, pure: what a grantee (a role or a user) should hold on the configured schemas, and
 * the statements that take it from what it holds now to that. No I/O in the model (readGrants below reads).
 * Privilege sets are canonical strings (`SELECT,SHOW VIEW`): at 10,000 tables a Set per table made the
 * comparison cost more than reading the server.
 */
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

/** Reads what exists (tables) and what a grantee holds (mysql.db / mysql.tables_priv) on the configured schemas. */
/** Whose grants: a role (`role`, roleHost) or a user (`name`, ip). */
export interface Grantee {
  user: string;
  host: string;
  /** The grantee as written in GRANT / REVOKE. */
  sql: string;
}

/**
 * Table names per schema. Only TABLE_NAME is read, one schema per query: MariaDB then answers from the
 * directory listing without opening a table definition (≈ 10 ms at 10,000 tables; asking for TABLE_TYPE
 * as well costs ≈ 80 ms because every .frm is read).
 */
export async function listTables(
  sql: AdminSql,
  schemas: readonly string[],
  step: string,
): Promise<SchemaListing[]> {
  const existing = await sql.rows<RowDataPacket>(
    step,
    'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    [schemas],
  );
  const present = new Set(existing.map((r) => String(r.s)));
  const out: SchemaListing[] = [];
  for (const schema of schemas) {
    if (!present.has(schema)) {
      out.push({ schema, exists: false, tables: [] });
      continue;
    }
    const rows = await sql.rows<RowDataPacket>(
      step,
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [schema],
    );
    out.push({ schema, exists: true, tables: rows.map((r) => String(r.t)) });
  }
  return out;
}

/**
 * The privilege as GRANT and REVOKE spell it, from its name in mysql.db's columns or mysql.tables_priv's
 * set, where a few differ: a revoke names each privilege held, so each must be a name the server accepts.
 * `GRANT` stands for GRANT OPTION (revoked on its own).
 */
const SQL_NAMES: Readonly<Record<string, string>> = {
  'CREATE TMP TABLE': 'CREATE TEMPORARY TABLES',
  'DELETE VERSIONING ROWS': 'DELETE HISTORY',
};
const sqlPrivilegeName = (stored: string): string => {
  const name = normalisePrivilege(stored);
  return SQL_NAMES[name] ?? name;
};

/** `Select_priv`, `Show_view_priv` … = 'Y' → `SELECT`, `SHOW VIEW` …; unknown columns still count (as extras). */
function privilegesOfDbRow(row: RowDataPacket): string {
  const privs: string[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (column.endsWith('_priv') && value === 'Y')
      privs.push(sqlPrivilegeName(column.slice(0, -5).replace(/_/g, ' ')));
  }
  return privilegeKey(privs);
}

/** What `grantee` holds now at schema and table level on `schemas`. */
export async function readGrants(
  sql: AdminSql,
  grantee: Grantee,
  schemas: readonly string[],
  server: ServerInfo,
  step: string,
): Promise<GrantSet> {
  const held = emptyGrantSet();
  const patterns = schemas.map((s) => schemaGrantPattern(s, server.escapeSchemaWildcards));
  const dbRows = await sql.rows<RowDataPacket>(
    step,
    'SELECT * FROM mysql.db WHERE Host = ? AND User = ? AND Db IN (?)',
    [grantee.host, grantee.user, patterns],
  );
  for (const row of dbRows) {
    const privs = privilegesOfDbRow(row);
    if (privs !== '')
      held.schemas.set(schemaFromGrantPattern(String(row.Db), server.escapeSchemaWildcards), privs);
  }
  const tableRows = await sql.rows<RowDataPacket>(
    step,
    'SELECT Db AS s, Table_name AS t, Table_priv AS p FROM mysql.tables_priv WHERE Host = ? AND User = ? AND Db IN (?)',
    [grantee.host, grantee.user, schemas],
  );
  // Few distinct Table_priv values exist (one per tier): canonicalise each once.
  const canonical = new Map<string, string>();
  for (const row of tableRows) {
    const raw = String(row.p ?? '');
    let privileges = canonical.get(raw);
    if (privileges === undefined) {
      privileges = privilegeKey(raw.split(',').map(sqlPrivilegeName));
      canonical.set(raw, privileges);
    }
    const schema = String(row.s);
    const table = String(row.t);
    if (privileges !== '') held.tables.set(tableKey(schema, table), { schema, table, privileges });
  }
  return held;
}

export interface ApplyReport {
  /** GRANT statements that took effect. */
  granted: number;
  /** REVOKE statements that took effect. */
  revoked: number;
  /** Statements another process had already made moot (table dropped, grant already revoked). */
  moot: number;
}

/**
 * Runs the steps one statement each: the server's cost per GRANT dominates whatever the batching, and
 * single statements need no `multipleStatements` on the admin pool. Races with other processes are
 * tolerated: a revoke of a grant already gone and a grant on a table dropped meanwhile count as moot;
 * GRANT itself is idempotent. Privilege names were checked against the allow-list in the options.
 */
export async function applyGrantSteps(
  sql: AdminSql,
  grantee: Grantee,
  steps: readonly GrantStep[],
  server: ServerInfo,
  step: string,
): Promise<ApplyReport> {
  const report: ApplyReport = { granted: 0, revoked: 0, moot: 0 };
  const onSchema = (schema: string) =>
    `${quoteIdent(schemaGrantPattern(schema, server.escapeSchemaWildcards))}.*`;
  const revokeTolerated = [ER.NONEXISTING_GRANT, ER.NONEXISTING_TABLE_GRANT];
  for (const s of steps) {
    let done: boolean;
    switch (s.op) {
      case 'revoke-schema':
      case 'revoke-table': {
        const on =
          s.op === 'revoke-schema' ? onSchema(s.schema) : `${quoteIdent(s.schema)}.${quoteIdent(s.table)}`;
        // Exactly what is held, never ALL PRIVILEGES: REVOKE needs each privilege it names.
        const revokes = [
          ...(s.privileges.length > 0 ? [s.privileges.join(', ')] : []),
          ...(s.grantOption ? ['GRANT OPTION'] : []),
        ];
        done = false;
        for (const what of revokes) {
          const took = await sql.runTolerating(
            step,
            `REVOKE ${what} ON ${on} FROM ${grantee.sql}`,
            revokeTolerated,
          );
          done ||= took;
        }
        if (done) report.revoked++;
        break;
      }
      case 'grant-schema':
        await sql.run(step, `GRANT ${s.privileges.join(', ')} ON ${onSchema(s.schema)} TO ${grantee.sql}`);
        done = true;
        report.granted++;
        break;
      case 'grant-table':
        done = await sql.runTolerating(
          step,
          `GRANT ${s.privileges.join(', ')} ON ${quoteIdent(s.schema)}.${quoteIdent(s.table)} TO ${grantee.sql}`,
          [ER.NO_SUCH_TABLE],
        );
        if (done) report.granted++;
        break;
    }
    if (!done) report.moot++;
  }
  return report;
}

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
