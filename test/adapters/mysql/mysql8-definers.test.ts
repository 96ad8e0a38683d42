import { describe, expect, it } from 'vitest';
import { AdminSql } from '../../../src/adapters/mysql/admin-sql.js';
import { createMysqlDatabaseAccess } from '../../../src/adapters/mysql/mysql-database-access.js';
import { describeServer } from '../../../src/adapters/mysql/server-dialect.js';
import { DefinerIndex, teardownAccount } from '../../../src/adapters/mysql/teardown.js';
import { type Rule, scriptedServer } from '../../support/scripted-mysql.js';

/**
 * MySQL 8.0.22+ behaviours MariaDB does not have, on a scripted server answering as the MySQL manual
 * describes: with SET_USER_ID (Aurora MySQL 3's master user has it) DROP USER of a DEFINER succeeds with
 * warning 4005 and orphans its objects; without it CREATE USER of an account named as DEFINER fails
 * with 4006.
 */
const account = { user: 'alice', host: '10.0.1.5' };
const ROLE = 'drawbridge_orders_read';
const server = describeServer('8.0.32');
const routine = { s: 'app', n: 'purge_old', k: 'PROCEDURE', d: 'alice@10.0.1.5' };

const lookups: Rule[] = [
  { match: /^SELECT 'N' AS r FROM mysql\.user/, answers: [{ rows: [{ r: 'N' }] }] },
  { match: /FROM mysql\.role_edges/, answers: [{ rows: [{ r: ROLE, h: '%' }] }] },
  {
    match: /^SELECT Create_view_priv AS v, Trigger_priv AS t FROM mysql\.user/,
    answers: [{ rows: [{ v: 'N', t: 'N' }] }],
  },
  { match: /^SELECT MAX\(v\) AS v/, answers: [{ rows: [{ v: 0, t: 0, n: 0 }] }] },
  { match: /FROM information_schema\.PROCESSLIST/, answers: [{ rows: [] }] },
  { match: /FROM information_schema\.(VIEWS|TRIGGERS) WHERE DEFINER = \?/, answers: [{ rows: [] }] },
];

describe('DROP USER of a DEFINER with SET_USER_ID (warning 4005)', () => {
  it('puts the account back locked and reports the objects, instead of leaving them orphaned', async () => {
    const { pool, sent } = scriptedServer([
      ...lookups,
      // The narrow search (what READ could have made) finds nothing; the full one after the warning finds it.
      {
        match: /FROM information_schema\.ROUTINES WHERE DEFINER = \?/,
        answers: [{ rows: [] }, { rows: [routine] }],
      },
      {
        match: /^DROP USER IF EXISTS `alice`@`10\.0\.1\.5`$/,
        answers: [
          {
            ok: true,
            warnings: [
              {
                Level: 'Warning',
                Code: 4005,
                Message: "User 'alice'@'10.0.1.5' is referenced as a definer account in a stored routine.",
              },
            ],
          },
        ],
      },
      {
        match: /^CREATE USER IF NOT EXISTS `alice`@`10\.0\.1\.5` IDENTIFIED BY '.+' ACCOUNT LOCK$/,
        answers: [{ ok: true }],
      },
    ]);
    const sql = new AdminSql(pool);
    const report = await teardownAccount(
      {
        sql,
        server,
        definers: new DefinerIndex(sql, ['app'], { maxAgeMs: 60_000, now: Date.now }),
        knownRoles: new Map([[ROLE, ['SELECT', 'SHOW VIEW']]]),
        kill: { mode: 'kill', rounds: 3, pauseMs: 1 },
      },
      account,
    );

    expect(report).toEqual({
      outcome: 'locked',
      killedConnections: 0,
      definerObjects: ['app.purge_old (PROCEDURE)'],
      roleDefinerObjects: [],
    });
    const drop = sent.indexOf('DROP USER IF EXISTS `alice`@`10.0.1.5`');
    expect(sent[drop + 1]).toBe('SHOW WARNINGS');
    expect(sent.slice(drop).some((s) => /^CREATE USER IF NOT EXISTS .* ACCOUNT LOCK$/.test(s))).toBe(true);
  });
});

describe('CREATE USER of an account named as DEFINER (4006)', () => {
  it('is a DependencyError saying why, not "account exists"', async () => {
    const { pool } = scriptedServer([
      { match: /^SELECT VERSION\(\) AS v$/, answers: [{ rows: [{ v: '8.0.32' }] }] },
      { match: /^SELECT @@GLOBAL\.partial_revokes/, answers: [{ rows: [{ p: 0 }] }] },
      { match: /FROM information_schema\.ROUTINES WHERE DEFINER = \?/, answers: [{ rows: [] }] },
      { match: /^SHOW GLOBAL STATUS WHERE Variable_name IN/, answers: [{ rows: [] }] },
      {
        match: /FROM information_schema\.(VIEWS|TRIGGERS) WHERE (TABLE|TRIGGER)_SCHEMA IN/,
        answers: [{ rows: [] }],
      },
      {
        match: /^CREATE USER `alice`@`10\.0\.1\.5` IDENTIFIED BY/,
        answers: [
          {
            error: {
              errno: 4006,
              message:
                "Operation CREATE USER failed for 'alice'@'10.0.1.5' as it is referenced as a definer account in a view.",
            },
          },
        ],
      },
    ]);
    const access = createMysqlDatabaseAccess({
      pool,
      target: 'orders',
      schemas: ['app'],
      protectedTables: [],
    });

    await expect(access.createUser(account, 'Tst-9xQ2-pW7mZ4-vK8rL1-nB5cD3-hJ6f')).rejects.toThrow(
      'create-account: alice@10.0.1.5 is the DEFINER of stored objects (the server refused with 4006), left by an account of that name that was dropped',
    );
  });
});
