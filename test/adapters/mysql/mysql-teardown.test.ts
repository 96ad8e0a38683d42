import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

describe('dropAccount', () => {
  const setup = async (grantMode: 'roles' | 'direct' = 'roles') => {
    const app = await fx.schema('td', ['orders', 'secret_keys']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'], grantMode });
    return { app, access };
  };

  it.each(['roles', 'direct'] as const)(
    'cuts a live session and the account cannot log in again (%s)',
    async (mode) => {
      const { app, access } = await setup(mode);
      const account = fx.account('lv');
      await access.createAccount(account, 'READ', PASSWORD);
      const live = await fx.connect(account);
      await expect(live.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();

      const report = await access.dropAccount(account);

      expect(report).toEqual({
        outcome: 'dropped',
        killedConnections: 1,
        definerObjects: [],
        roleDefinerObjects: [],
      });
      await expect(live.query(`SELECT v FROM ${q(app)}.orders`)).rejects.toThrow();
      await expect(fx.connect(account)).rejects.toThrow(/not allowed|denied/);
      expect(await access.listAccounts([account.user])).toEqual([]);
    },
  );

  it('is idempotent: the second drop reports absent', async () => {
    const { access } = await setup();
    const account = fx.account('tw');
    await access.createAccount(account, 'READ', PASSWORD);
    expect((await access.dropAccount(account)).outcome).toBe('dropped');
    expect(await access.dropAccount(account)).toEqual({
      outcome: 'absent',
      killedConnections: 0,
      definerObjects: [],
      roleDefinerObjects: [],
    });
  });

  it('still kills the connections of an account that is already gone', async () => {
    const { app, access } = await setup();
    const account = fx.account('gh');
    await access.createAccount(account, 'READ', PASSWORD);
    const live = await fx.connect(account);
    // A crash after DROP USER: the session whose privileges come from a role keeps reading.
    await fx.pool.query(`DROP USER ${q(account.user)}@${q(account.host)}`);
    await expect(live.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();

    const report = await access.dropAccount(account);

    expect(report).toEqual({
      outcome: 'absent',
      killedConnections: 1,
      definerObjects: [],
      roleDefinerObjects: [],
    });
    await expect(live.query(`SELECT v FROM ${q(app)}.orders`)).rejects.toThrow();
  });

  it('locks a DEFINER instead of dropping it, strips its grants and lists its objects', async () => {
    const { app, access } = await setup();
    const account = fx.account('df');
    await access.createAccount(account, 'DDL', PASSWORD);
    const live = await fx.connect(account);
    await live.query(`CREATE VIEW ${q(app)}.order_view AS SELECT id FROM ${q(app)}.orders`);

    const report = await access.dropAccount(account);

    expect(report).toEqual({
      outcome: 'locked',
      killedConnections: 1,
      definerObjects: [`${app}.order_view (VIEW)`],
      roleDefinerObjects: [],
    });
    await expect(live.query('SELECT 1')).rejects.toThrow();
    await expect(fx.connect(account)).rejects.toThrow(/locked|denied/i);
    expect(await access.listAccounts([account.user])).toEqual([{ ...account, locked: true }]);
    const [grants] = await fx.pool.query<import('mysql2').RowDataPacket[]>(
      `SHOW GRANTS FOR ${q(account.user)}@${q(account.host)}`,
    );
    expect(
      grants.map((g) => String(Object.values(g)[0])).filter((g) => !g.startsWith('GRANT USAGE')),
    ).toEqual([]);
    // Teardown stays idempotent: still the DEFINER, still locked.
    expect((await access.dropAccount(account)).outcome).toBe('locked');
  });

  it('sees a view created after an earlier teardown listed the views (the listing follows DDL)', async () => {
    const { app, access } = await setup();
    const first = fx.account('c1');
    await access.createAccount(first, 'DDL', PASSWORD);
    expect((await access.dropAccount(first)).outcome).toBe('dropped');

    const second = fx.account('c2');
    await access.createAccount(second, 'DDL', PASSWORD);
    const live = await fx.connect(second);
    await live.query(`CREATE VIEW ${q(app)}.late_view AS SELECT id FROM ${q(app)}.orders`);
    expect(await access.dropAccount(second)).toMatchObject({
      outcome: 'locked',
      definerObjects: [`${app}.late_view (VIEW)`],
      roleDefinerObjects: [],
    });
  });

  it('a READ account with no objects is dropped without looking at views', async () => {
    const { app, access } = await setup();
    const account = fx.account('nv');
    await access.createAccount(account, 'READ', PASSWORD);
    // A view whose DEFINER is another account must not stop this one from being dropped.
    await fx.pool.query(`CREATE VIEW ${q(app)}.admin_view AS SELECT id FROM ${q(app)}.orders`);
    expect((await access.dropAccount(account)).outcome).toBe('dropped');
  });
});
