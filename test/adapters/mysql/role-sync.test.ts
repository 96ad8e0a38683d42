import type { RowDataPacket } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import { noDdlBetween } from '../../../src/adapters/mysql/roles.js';
import { createTables } from '../../support/mysql-admin.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

/** What the role holds, as `schema.table` for table grants and `schema.*` for schema grants. */
async function roleGrants(role: string): Promise<string[]> {
  const [tables] = await fx.pool.query<RowDataPacket[]>(
    "SELECT Db AS s, Table_name AS t FROM mysql.tables_priv WHERE User = ? AND Host = ''",
    [role],
  );
  const [dbs] = await fx.pool.query<RowDataPacket[]>(
    "SELECT Db AS s FROM mysql.db WHERE User = ? AND Host = ''",
    [role],
  );
  return [
    ...tables.map((r) => `${r.s}.${r.t}`),
    ...dbs.map((r) => `${String(r.s).replace(/\\/g, '')}.*`),
  ].sort();
}

describe('incremental role sync', () => {
  it('grants only the tables added and revokes only the tables dropped', async () => {
    const app = await fx.schema('rs', ['t1', 't2', 't3', 'secret_a']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    const role = access.roleName('READ');

    const first = await access.syncRole('READ');
    expect(first).toMatchObject({ role, check: 'full', granted: 3, revoked: 0 });
    expect(await roleGrants(role)).toEqual([`${app}.t1`, `${app}.t2`, `${app}.t3`]);

    await createTables(fx.pool, app, ['t4', 't5', 'secret_b']);
    await fx.pool.query(`DROP TABLE ${q(app)}.t2`);
    const second = await access.syncRole('READ');
    // The DDL moved the server's counters, so the check is full; only the delta is applied.
    expect(second).toMatchObject({ check: 'full', granted: 2, revoked: 1 });
    expect(await roleGrants(role)).toEqual([`${app}.t1`, `${app}.t3`, `${app}.t4`, `${app}.t5`]);

    const third = await access.syncRole('READ', true);
    expect(third).toMatchObject({ check: 'full', granted: 0, revoked: 0 });
  });

  it('moves a role holding a schema-level grant (from an earlier version) to per-table grants', async () => {
    const app = await fx.schema('rw', ['a', 'b']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    const role = access.roleName('READ');
    await fx.pool.query(`CREATE ROLE ${q(role)}`);
    await fx.pool.query(`GRANT SELECT, SHOW VIEW ON ${q(app.replace(/_/g, '\\_'))}.* TO ${q(role)}`);
    expect(await roleGrants(role)).toEqual([`${app}.*`]);

    const report = await access.syncRole('READ', true);
    expect(report).toMatchObject({ granted: 2, revoked: 1 });
    expect(await roleGrants(role)).toEqual([`${app}.a`, `${app}.b`]);
  });

  it('a user created after a table appeared can read it, through the role', async () => {
    const app = await fx.schema('rn', ['a', 'secret_k']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    const first = fx.account('r1');
    await access.createAccount(first, 'READ', PASSWORD);
    await createTables(fx.pool, app, ['fresh']);
    const second = fx.account('r2');
    await access.createAccount(second, 'READ', PASSWORD);
    const c = await fx.connect(second);
    await expect(c.query(`SELECT * FROM ${q(app)}.fresh`)).resolves.toBeDefined();
    await expect(c.query(`SELECT * FROM ${q(app)}.secret_k`)).rejects.toThrow(/denied/);
  });

  it('concurrent syncs of one role apply each grant once', async () => {
    const app = await fx.schema('rc', ['a', 'b', 'c', 'secret_k']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    const reports = await Promise.all([1, 2, 3, 4].map(() => access.syncRole('READ', true)));
    expect(reports.reduce((n, r) => n + r.granted, 0)).toBe(3);
    expect(await roleGrants(access.roleName('READ'))).toEqual([`${app}.a`, `${app}.b`, `${app}.c`]);
  });

  it('re-creates a role dropped behind its back', async () => {
    const app = await fx.schema('rd', ['a', 'secret_k']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    await access.createAccount(fx.account('x1'), 'READ', PASSWORD);
    await fx.pool.query(`DROP ROLE ${q(access.roleName('READ'))}`);
    const account = fx.account('x2');
    await access.createAccount(account, 'READ', PASSWORD);
    const c = await fx.connect(account);
    await expect(c.query(`SELECT * FROM ${q(app)}.a`)).resolves.toBeDefined();
  });
});

describe('noDdlBetween', () => {
  it.each([
    [{ counters: '1,2', uptime: 10 }, { counters: '1,2', uptime: 12 }, true],
    [{ counters: '1,2', uptime: 10 }, { counters: '1,3', uptime: 12 }, false],
    // A restart resets the counters; equal values after one prove nothing.
    [{ counters: '1,2', uptime: 10 }, { counters: '1,2', uptime: 3 }, false],
  ])('%j → %j: %s', (before, after, expected) => {
    expect(noDdlBetween(before, after)).toBe(expected);
  });
});
