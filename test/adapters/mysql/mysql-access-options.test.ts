import { describe, expect, it } from 'vitest';
import type { AdminPool } from '../../../src/adapters/mysql/admin-sql.js';
import { resolveOptions } from '../../../src/adapters/mysql/mysql-database-access.js';
import { ConfigError } from '../../../src/domain/errors.js';
import { DEFAULT_TIER_PRIVILEGES } from '../../../src/domain/tiers.js';

const pool = {} as AdminPool;
const base = { pool, target: 'prod', schemas: ['app'], protectedTables: ['secret_*'] };

describe('resolveOptions', () => {
  it.each(['mysql', 'information_schema', 'PERFORMANCE_SCHEMA', 'Sys'])(
    'refuses the system schema %s',
    (schema) => {
      expect(() => resolveOptions({ ...base, schemas: ['app', schema] })).toThrow(ConfigError);
    },
  );

  it.each([
    ['ALL'],
    ['ALL PRIVILEGES'],
    ['GRANT OPTION'],
    ['SUPER'],
    ['FILE'],
    ['PROCESS'],
    ['SELECT; DROP'],
  ])('refuses the privilege %s', (privilege) => {
    expect(() => resolveOptions({ ...base, privileges: { READ: ['SELECT', privilege] } })).toThrow(
      ConfigError,
    );
  });

  it('refuses an empty schema list and empty patterns', () => {
    expect(() => resolveOptions({ ...base, schemas: [] })).toThrow(ConfigError);
    expect(() => resolveOptions({ ...base, protectedTables: [' '] })).toThrow(ConfigError);
  });

  it('normalises privileges and keeps the defaults for tiers not given', () => {
    const resolved = resolveOptions({ ...base, privileges: { READ: ['select', 'show  view', 'SELECT'] } });
    expect(resolved.privileges.READ).toEqual(['SELECT', 'SHOW VIEW']);
    expect(resolved.privileges.DDL).toEqual(DEFAULT_TIER_PRIVILEGES.DDL);
    expect(resolved).toMatchObject({ grantMode: 'auto', kill: 'kill' });
  });
});
