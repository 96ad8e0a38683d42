import { describe, expect, it } from 'vitest';
import { describeServer, roleNameFor } from '../../../src/adapters/mysql/server-dialect.js';
import { TIERS } from '../../../src/domain/types.js';

describe('describeServer', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', 'mariadb', true, true, true, ''],
    ['5.5.5-10.3.39-MariaDB', 'mariadb', true, false, false, ''],
    ['10.0.4-MariaDB', 'mariadb', false, false, false, ''],
    ['8.0.36', 'mysql', true, true, false, '%'],
    ['8.0.mysql_aurora.3.05.2', 'mysql', true, true, false, '%'],
    ['5.7.12-log', 'mysql', false, true, false, '%'],
    ['5.7.mysql_aurora.2.11.2', 'mysql', false, true, false, '%'],
  ])(
    '%s → %s, roles %s, lock %s, global_priv %s, role host %j',
    (text, flavor, roles, lock, globalPriv, roleHost) => {
      const info = describeServer(text);
      expect(info).toMatchObject({
        flavor,
        hasRoles: roles,
        hasAccountLock: lock,
        hasGlobalPriv: globalPriv,
        roleHost,
      });
    },
  );

  it('escapes schema wildcards except on MySQL with partial_revokes', () => {
    expect(describeServer('10.11.19-MariaDB').escapeSchemaWildcards).toBe(true);
    expect(describeServer('8.0.36', false).escapeSchemaWildcards).toBe(true);
    expect(describeServer('8.0.36', true).escapeSchemaWildcards).toBe(false);
  });
});

describe('roleNameFor', () => {
  it('names the role after target and tier', () => {
    expect(roleNameFor('prod', 'READ')).toBe('drawbridge_prod_read');
    expect(roleNameFor('prod', 'DDL')).toBe('drawbridge_prod_ddl');
  });

  it('keeps names within 32 [a-z0-9_] characters and tells apart targets that sanitise alike', () => {
    const names = [
      'Prod-EU',
      'prod_eu',
      'prod.eu',
      'a-very-long-target-name-for-billing',
      'a-very-long-target-name-for-billings',
    ];
    const all = names.flatMap((n) => TIERS.map((t) => roleNameFor(n, t)));
    for (const name of all) expect(name).toMatch(/^[a-z0-9_]{1,32}$/);
    expect(new Set(all).size).toBe(all.length);
  });
});
