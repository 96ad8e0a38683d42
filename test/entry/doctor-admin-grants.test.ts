import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AdminNeeds,
  missingAdminPrivileges,
  parseGrants,
  schemaPatternMatches,
} from '../../src/entry/doctor-checks/admin-grants.js';

const READ = ['SELECT', 'SHOW VIEW'];
const needs = (extra: Partial<AdminNeeds> = {}): AdminNeeds => ({
  flavor: 'mysql',
  schemas: ['app_orders'],
  privileges: READ,
  kill: 'kill',
  usesRoles: true,
  ...extra,
});

const MYSQL_ROOT = [
  'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, SHUTDOWN, PROCESS, FILE, REFERENCES, INDEX, ALTER, SHOW DATABASES, SUPER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER, CREATE TABLESPACE, CREATE ROLE, DROP ROLE ON *.* TO `root`@`localhost` WITH GRANT OPTION',
  'GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ADMIN,BACKUP_ADMIN,CONNECTION_ADMIN,ROLE_ADMIN,SYSTEM_USER ON *.* TO `root`@`localhost` WITH GRANT OPTION',
  'GRANT PROXY ON ``@`` TO `root`@`localhost` WITH GRANT OPTION',
];

/** Aurora MySQL 3's master user as `SHOW GRANTS ... USING rds_superuser_role` shows it (abridged). */
const AURORA_MASTER = [
  'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO `admin`@`%` WITH GRANT OPTION',
  'GRANT BACKUP_ADMIN,ROLE_ADMIN,SET_USER_ID,XA_RECOVER_ADMIN ON *.* TO `admin`@`%` WITH GRANT OPTION',
  'GRANT `rds_superuser_role`@`%` TO `admin`@`%`',
];

describe('parseGrants', () => {
  it('reads privileges, levels, grant option and roles', () => {
    const parsed = parseGrants([
      "GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*0123ABCD'",
      'GRANT SELECT, SHOW  VIEW ON `app\\_%`.* TO `u`@`%` WITH GRANT OPTION',
      'GRANT SELECT (`id`, `name`), INSERT ON `app`.`t` TO `u`@`%`',
      'GRANT EXECUTE ON PROCEDURE `mysql`.`rds_kill` TO `u`@`%`',
      'GRANT `r1`@`%`,`r2`@`%` TO `u`@`%`',
      'SET DEFAULT ROLE `r1` FOR `u`@`%`',
    ]);
    expect(parsed.grants).toEqual([
      { privileges: ['USAGE'], on: { level: 'global' }, grantOption: false },
      { privileges: ['SELECT', 'SHOW VIEW'], on: { level: 'schema', schema: 'app\\_%' }, grantOption: true },
      { privileges: ['INSERT'], on: { level: 'object', schema: 'app', name: 't' }, grantOption: false },
      {
        privileges: ['EXECUTE'],
        on: { level: 'object', schema: 'mysql', name: 'rds_kill' },
        grantOption: false,
      },
    ]);
    expect(parsed.roles).toEqual(['`r1`@`%`', '`r2`@`%`']);
  });

  it('reads back any schema name quoted with backticks, keywords and quotes inside included', () => {
    const tricky = fc
      .array(fc.constantFrom('a', ' ', 'ON', 'TO', ' ON ', ' TO ', '`', "'", '.', '*', '_', '%', ','), {
        minLength: 1,
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), tricky), (name) => {
        const quoted = `\`${name.replaceAll('`', '``')}\``;
        const [grant] = parseGrants([`GRANT SELECT ON ${quoted}.* TO \`u\`@\`%\``]).grants;
        expect(grant?.on).toEqual({ level: 'schema', schema: name });
      }),
    );
  });

  it('never throws on arbitrary lines', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }).map((s) => `GRANT ${s}`)), (lines) => {
        expect(() => parseGrants(lines)).not.toThrow();
      }),
    );
  });
});

describe('schemaPatternMatches', () => {
  it.each([
    ['app_orders', 'app_orders', true],
    ['app\\_orders', 'app_orders', true],
    ['app\\_orders', 'appXorders', false],
    ['app_orders', 'appXorders', true],
    ['app\\_%', 'app_anything', true],
    ['app\\_%', 'apps', false],
    ['%', 'mysql', true],
  ])('%s matches %s: %s', (pattern, schema, expected) => {
    expect(schemaPatternMatches(pattern, schema)).toBe(expected);
  });
});

describe('missingAdminPrivileges', () => {
  it.each<[string, string[], Partial<AdminNeeds>, string[]]>([
    ['MySQL root', MYSQL_ROOT, {}, []],
    ['MySQL root, DDL tier', MYSQL_ROOT, { privileges: [...READ, 'CREATE VIEW', 'DROP'] }, []],
    ['Aurora master with rds_kill', AURORA_MASTER, { kill: 'rds_kill' }, []],
    ['Aurora master with KILL', AURORA_MASTER, {}, ['CONNECTION_ADMIN or SUPER ON *.* (for KILL)']],
    [
      'Aurora master with KILL, Aurora detected',
      AURORA_MASTER,
      { managed: true },
      ['CONNECTION_ADMIN or SUPER ON *.* (for KILL); on RDS and Aurora set kill: rds_kill instead'],
    ],
    [
      'a global admin with a partial revoke on the schema (partial_revokes ON)',
      [
        'GRANT SELECT, SHOW VIEW, CREATE USER, PROCESS, SUPER, ROLE_ADMIN ON *.* TO `a`@`%` WITH GRANT OPTION',
        'REVOKE SHOW VIEW ON `app_orders`.* FROM `a`@`%`',
      ],
      {},
      ['SHOW VIEW ON app_orders.* (to grant them)'],
    ],
    [
      'MariaDB roles mode needs UPDATE on mysql for SET DEFAULT ROLE; direct mode does not',
      [
        'GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      { flavor: 'mariadb' },
      ["UPDATE ON mysql.* (MariaDB's SET DEFAULT ROLE … FOR another account writes there)"],
    ],
    [
      'the same admin in direct mode',
      [
        'GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      { flavor: 'mariadb', usesRoles: false },
      [],
    ],
    [
      'MariaDB root',
      ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED VIA unix_socket WITH GRANT OPTION'],
      { flavor: 'mariadb' },
      [],
    ],
    [
      'a schema-level admin on MySQL without ROLE_ADMIN',
      [
        'GRANT PROCESS, CREATE USER, SUPER ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT ALL PRIVILEGES ON `app\\_%`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      {},
      [],
    ],
    [
      'the same with a CONNECTION_ADMIN instead of SUPER',
      [
        'GRANT PROCESS, CREATE USER ON *.* TO `a`@`%`',
        'GRANT CONNECTION_ADMIN ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      {},
      ['ROLE_ADMIN ON *.* (to grant the tier roles)'],
    ],
    [
      'direct grants need no ROLE_ADMIN',
      [
        'GRANT PROCESS, CREATE USER, CONNECTION_ADMIN ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      { usesRoles: false },
      [],
    ],
    [
      'privileges on one schema only',
      [
        'GRANT PROCESS, CREATE USER, SUPER ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      { schemas: ['app_orders', 'billing'] },
      ['GRANT OPTION ON billing.*', 'SELECT, SHOW VIEW ON billing.* (to grant them)'],
    ],
    [
      'rds_kill through a procedure grant',
      [
        'GRANT PROCESS, CREATE USER, ROLE_ADMIN ON *.* TO `a`@`%`',
        'GRANT SELECT ON `mysql`.* TO `a`@`%`',
        'GRANT EXECUTE ON PROCEDURE `mysql`.`rds_kill` TO `a`@`%`',
        'GRANT SELECT, SHOW VIEW ON `app_orders`.* TO `a`@`%` WITH GRANT OPTION',
      ],
      { kill: 'rds_kill' },
      [],
    ],
    [
      'nothing at all',
      ['GRANT USAGE ON *.* TO `a`@`%`'],
      { kill: 'rds_kill', flavor: 'mariadb' },
      [
        'CREATE USER ON *.*',
        'SELECT ON mysql.* (accounts and grants are read there)',
        "PROCESS ON *.* (to list the users' connections)",
        'EXECUTE ON PROCEDURE mysql.rds_kill',
        "UPDATE ON mysql.* (MariaDB's SET DEFAULT ROLE … FOR another account writes there)",
        'GRANT OPTION ON app_orders.*',
        'SELECT, SHOW VIEW ON app_orders.* (to grant them)',
      ],
    ],
  ])('%s', (_, lines, extra, missing) => {
    expect(missingAdminPrivileges(parseGrants(lines), needs(extra))).toEqual(missing);
  });
});
