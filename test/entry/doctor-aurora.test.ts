import type { Connection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/config.js';
import { databaseChecks } from '../../src/entry/doctor-checks/database-checks.js';
import { type Rule, scriptedServer } from '../support/scripted-mysql.js';

/**
 * doctor against an Aurora MySQL 3 writer as the master user sees it, on a scripted server answering
 * what Aurora documents: `8.0.mysql_aurora.3.05.2`, `@@aurora_version`, the master's grants through
 * rds_superuser_role (no CONNECTION_ADMIN: KILL of other sessions needs mysql.rds_kill), name resolution on,
 * a mandatory role, validate_password STRONG with a dictionary, and caching_sha2_password.
 */
function auroraTarget(host: string, kill: 'kill' | 'rds_kill') {
  const parsed = parseConfig(
    stringify({
      targets: [
        {
          name: 'orders',
          database: {
            host,
            adminUser: 'admin',
            adminPassword: 'not-used-by-the-scripted-server',
            tls: true,
          },
          kill,
          schemas: ['app'],
          protectedTables: ['secret_*'],
          defaults: { approvers: ['U0A'] },
          tiers: { READ: {} },
        },
      ],
    }),
    'aurora.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value.targets[0]!;
}

const AURORA: Rule[] = [
  {
    match: /^SELECT VERSION\(\) AS v, CURRENT_USER\(\) AS u$/,
    answers: [{ rows: [{ v: '8.0.mysql_aurora.3.05.2', u: 'admin@%' }] }],
  },
  {
    match: /^SHOW SESSION STATUS LIKE 'Ssl_cipher'$/,
    answers: [{ rows: [{ Variable_name: 'Ssl_cipher', Value: 'TLS_AES_256_GCM_SHA384' }] }],
  },
  {
    match: /^SHOW GLOBAL VARIABLES WHERE Variable_name IN/,
    answers: [
      {
        rows: Object.entries({
          read_only: 'OFF',
          innodb_read_only: 'OFF',
          skip_name_resolve: 'OFF',
          mandatory_roles: '`reporting`@`%`',
          activate_all_roles_on_login: 'OFF',
          'validate_password.policy': 'STRONG',
          'validate_password.dictionary_file': '/rdsdbdata/words.txt',
          have_ssl: 'YES',
          require_secure_transport: 'OFF',
          authentication_policy: '*,,',
          aurora_version: '3.05.2',
        }).map(([Variable_name, Value]) => ({ Variable_name, Value })),
      },
    ],
  },
  {
    match: /^SELECT SCHEMA_NAME AS s FROM information_schema\.SCHEMATA/,
    answers: [{ rows: [{ s: 'app' }] }],
  },
  {
    match: /^SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema\.TABLES/,
    answers: [
      {
        rows: [
          { s: 'app', t: 'orders' },
          { s: 'app', t: 'secret_keys' },
        ],
      },
    ],
  },
  {
    match: /^SHOW GRANTS$/,
    answers: [
      {
        rows: [
          {
            g: 'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO `admin`@`%` WITH GRANT OPTION',
          },
          {
            g: 'GRANT BACKUP_ADMIN,ROLE_ADMIN,SET_USER_ID,XA_RECOVER_ADMIN ON *.* TO `admin`@`%` WITH GRANT OPTION',
          },
          { g: 'GRANT `rds_superuser_role`@`%` TO `admin`@`%`' },
        ],
      },
    ],
  },
  { match: /^SELECT CURRENT_ROLE\(\) AS r$/, answers: [{ rows: [{ r: 'NONE' }] }] },
  {
    match: /FROM information_schema\.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_NAME = 'rds_kill'/,
    answers: [{ rows: [{ 1: 1 }] }],
  },
  { match: /FROM mysql\.user WHERE User IN/, answers: [{ rows: [] }] },
  { match: /FROM mysql\.user WHERE User = \?/, answers: [{ rows: [] }] },
];

async function doctorOn(host: string, kill: 'kill' | 'rds_kill') {
  const { pool, sent } = scriptedServer(AURORA);
  const conn = Object.assign(pool, { end: async () => {} }) as unknown as Connection;
  const checks = await databaseChecks(auroraTarget(host, kill), async () => conn, []);
  return { checks: Object.fromEntries(checks.map((c) => [c.name.replace('target orders: ', ''), c])), sent };
}

describe('doctor on an Aurora MySQL 3 writer', () => {
  it('lists every check, with what Aurora needs', async () => {
    const { checks } = await doctorOn('orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com', 'kill');

    expect(Object.fromEntries(Object.entries(checks).map(([n, c]) => [n, c.status]))).toEqual({
      'admin login': 'ok',
      server: 'ok',
      endpoint: 'ok',
      'name resolution': 'warn',
      'account policies': 'warn',
      'client login': 'ok',
      'admin privileges': 'fail',
      schemas: 'ok',
      'protected tables': 'ok',
      'tier roles': expect.any(String),
      'account names': expect.any(String),
    });
    expect(checks['admin login']?.detail).toContain('TLS (TLS_AES_256_GCM_SHA384)');
    expect(checks.server?.detail).toMatch(/^Aurora MySQL 3\.05\.2 \(MySQL 8\.0\.mysql_aurora\.3\.05\.2\)/);
    expect(checks['admin privileges']?.detail).toContain(
      'CONNECTION_ADMIN or SUPER ON *.* (for KILL); on RDS and Aurora set kill: rds_kill instead',
    );
    expect(checks['name resolution']?.detail).toMatch(/skip_name_resolve OFF/);
    expect(checks['account policies']?.detail).toMatch(/mandatory_roles = `reporting`@`%`/);
    expect(checks['client login']?.detail).toMatch(/caching_sha2_password.*--ssl-mode=REQUIRED/);
  });

  it('passes the admin privileges with kill: rds_kill', async () => {
    const { checks } = await doctorOn('orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com', 'rds_kill');
    expect(checks['admin privileges']?.status).toBe('ok');
  });

  it.each([
    ['orders.cluster-ro-c1a2b3.eu-west-1.rds.amazonaws.com', 'fail'],
    ['orders.cluster-custom-c1a2b3.eu-west-1.rds.amazonaws.com', 'warn'],
    ['orders-1.c1a2b3.eu-west-1.rds.amazonaws.com', 'warn'],
    ['orders.proxy-c1a2b3.eu-west-1.rds.amazonaws.com', 'fail'],
  ])('flags the endpoint %s', async (host, status) => {
    const { checks } = await doctorOn(host, 'rds_kill');
    expect(checks.endpoint?.status).toBe(status);
  });
});
