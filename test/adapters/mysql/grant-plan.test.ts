import { describe, expect, it } from 'vitest';
import { tableKey } from '../../../src/adapters/mysql/admin-sql.js';
import {
  diffGrants,
  emptyGrantSet,
  type GrantSet,
  planGrants,
  privilegeKey,
  type SchemaListing,
} from '../../../src/adapters/mysql/grants.js';
import { protectedTableMatcher } from '../../../src/domain/protected-tables.js';

const isProtected = protectedTableMatcher(['secret_*']);
const READ = ['SELECT', 'SHOW VIEW'];
const DDL = [
  'SELECT',
  'SHOW VIEW',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'INDEX',
  'REFERENCES',
  'CREATE VIEW',
];

const listing = (schema: string, tables: string[], exists = true): SchemaListing => ({
  schema,
  exists,
  tables,
});

const holding = (schemas: Record<string, string[]>, tables: Record<string, string[]>): GrantSet => {
  const set = emptyGrantSet();
  for (const [s, p] of Object.entries(schemas)) set.schemas.set(s, privilegeKey(p));
  for (const [key, p] of Object.entries(tables)) {
    const [schema, table] = key.split('.') as [string, string];
    set.tables.set(tableKey(schema, table), { schema, table, privileges: privilegeKey(p) });
  }
  return set;
};

describe('planGrants', () => {
  it('grants each schema at schema level only where the target protects nothing at all', () => {
    const plan = planGrants([listing('app', ['a', 'b'])], READ, undefined);
    expect([...plan.schemas]).toEqual([['app', 'SELECT,SHOW VIEW']]);
    expect(plan.tables.size).toBe(0);
  });

  it('grants a schema with no protected table today table by table when the target has patterns', () => {
    // A `secret_*` table created or renamed there tomorrow must be closed at once: no schema-level grant.
    const plan = planGrants([listing('app', ['a', 'b'])], READ, isProtected);
    expect(plan.schemas.size).toBe(0);
    expect([...plan.tables.values()].map((t) => t.table).sort()).toEqual(['a', 'b']);
  });

  it('grants a schema with protected tables table by table, never the protected ones', () => {
    const plan = planGrants([listing('app', ['a', 'secret_k', 'SECRET_x', 'b'])], READ, isProtected);
    expect(plan.schemas.size).toBe(0);
    expect([...plan.tables.values()].map((t) => t.table).sort()).toEqual(['a', 'b']);
  });

  it('adds only CREATE and CREATE VIEW at schema level beside protected tables', () => {
    const plan = planGrants([listing('app', ['a', 'secret_k'])], DDL, isProtected);
    expect(plan.schemas.get('app')).toBe('CREATE,CREATE VIEW');
    expect(plan.tables.get(tableKey('app', 'a'))?.privileges).toBe([...DDL].sort().join(','));
  });

  it('grants nothing on a schema that does not exist', () => {
    const plan = planGrants([listing('gone', [], false)], READ, isProtected);
    expect(plan.schemas.size + plan.tables.size).toBe(0);
  });

  it('grants an existing empty schema at schema level only where nothing is protected', () => {
    expect(planGrants([listing('empty', [])], READ, undefined).schemas.has('empty')).toBe(true);
    expect(planGrants([listing('empty', [])], READ, isProtected).schemas.has('empty')).toBe(false);
    expect(planGrants([listing('empty', [])], DDL, isProtected).schemas.get('empty')).toBe(
      'CREATE,CREATE VIEW',
    );
  });
});

describe('diffGrants', () => {
  it('grants only the tables added and revokes only the tables dropped', () => {
    const desired = planGrants([listing('app', ['a', 'c', 'd', 'secret_k'])], READ, isProtected);
    const current = holding({}, { 'app.a': READ, 'app.b': READ });
    expect(diffGrants(desired, current)).toEqual([
      { op: 'revoke-table', schema: 'app', table: 'b', privileges: READ, grantOption: false },
      { op: 'grant-table', schema: 'app', table: 'c', privileges: READ },
      { op: 'grant-table', schema: 'app', table: 'd', privileges: READ },
    ]);
  });

  it('does nothing when the grantee already holds the plan', () => {
    const desired = planGrants(
      [listing('app', ['a', 'secret_k']), listing('open', ['x'])],
      READ,
      isProtected,
    );
    expect(diffGrants(desired, holding({}, { 'app.a': READ, 'open.x': READ }))).toEqual([]);
  });

  it('replaces a schema-level grant (from an earlier version, or a pattern added later) by per-table grants, revoking first', () => {
    const desired = planGrants([listing('app', ['a', 'secret_new'])], READ, isProtected);
    expect(diffGrants(desired, holding({ app: READ }, {}))).toEqual([
      { op: 'revoke-schema', schema: 'app', privileges: READ, grantOption: false },
      { op: 'grant-table', schema: 'app', table: 'a', privileges: READ },
    ]);
  });

  it('revokes a grant on a table that now matches a protected pattern', () => {
    const desired = planGrants([listing('app', ['a', 'secret_a'])], READ, isProtected);
    expect(diffGrants(desired, holding({}, { 'app.a': READ, 'app.secret_a': READ }))).toEqual([
      { op: 'revoke-table', schema: 'app', table: 'secret_a', privileges: READ, grantOption: false },
    ]);
  });

  it('revokes exactly what a grant holds beyond the tier, GRANT OPTION included, and keeps the rest', () => {
    const desired = planGrants([listing('app', ['a', 'secret_k'])], READ, isProtected);
    expect(diffGrants(desired, holding({}, { 'app.a': [...READ, 'DELETE', 'GRANT'] }))).toEqual([
      { op: 'revoke-table', schema: 'app', table: 'a', privileges: ['DELETE'], grantOption: true },
    ]);
  });

  it('narrows a grant the tier shrank, and completes one that lacks a privilege, in one diff', () => {
    const desired = planGrants([listing('app', ['a', 'b', 'secret_k'])], ['SELECT', 'INSERT'], isProtected);
    const current = holding({}, { 'app.a': ['SELECT', 'SHOW VIEW'], 'app.b': ['SELECT', 'INSERT'] });
    expect(diffGrants(desired, current)).toEqual([
      { op: 'revoke-table', schema: 'app', table: 'a', privileges: ['SHOW VIEW'], grantOption: false },
      { op: 'grant-table', schema: 'app', table: 'a', privileges: ['INSERT', 'SELECT'] },
    ]);
  });

  it('adds missing privileges without revoking', () => {
    const desired = planGrants([listing('open', ['x'])], READ, undefined);
    expect(diffGrants(desired, holding({ open: ['SELECT'] }, {}))).toEqual([
      { op: 'grant-schema', schema: 'open', privileges: READ },
    ]);
  });
});
