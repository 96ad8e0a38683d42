import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import type { GrantMode } from '../../../src/adapters/mysql/mysql-database-access.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

/** Tier enforcement, proven on MariaDB, for both ways of granting. */
describe.each<GrantMode>(['roles', 'direct'])('grants in %s mode', (grantMode) => {
  const setup = async () => {
    const app = await fx.schema('app', ['orders', 'customers', 'secret_keys', 'Users_PII']);
    const open = await fx.schema('open', ['items']);
    const access = fx.access({ schemas: [app, open], protectedTables: ['secret_*', '*_pii'], grantMode });
    return { app, open, access };
  };

  it('READ selects normal tables and is refused protected tables and writes', async () => {
    const { app, open, access } = await setup();
    const account = fx.account('rd');
    await access.createAccount(account, 'READ', PASSWORD);
    const c = await fx.connect(account);
    await expect(c.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    await expect(c.query(`SELECT v FROM ${q(open)}.items`)).resolves.toBeDefined();
    await expect(c.query(`SELECT * FROM ${q(app)}.secret_keys`)).rejects.toThrow(/denied/);
    await expect(c.query(`SELECT * FROM ${q(app)}.Users_PII`)).rejects.toThrow(/denied/);
    await expect(c.query(`INSERT INTO ${q(app)}.orders VALUES (2, 'x')`)).rejects.toThrow(/denied/);
    await expect(c.query(`INSERT INTO ${q(open)}.items VALUES (2, 'x')`)).rejects.toThrow(/denied/);
  });

  it('DML writes rows but cannot create tables or touch protected ones', async () => {
    const { app, access } = await setup();
    const account = fx.account('dm');
    await access.createAccount(account, 'DML', PASSWORD);
    const c = await fx.connect(account);
    await c.query(`INSERT INTO ${q(app)}.orders VALUES (2, 'two')`);
    await c.query(`UPDATE ${q(app)}.orders SET v = 'deux' WHERE id = 2`);
    await c.query(`DELETE FROM ${q(app)}.orders WHERE id = 2`);
    await expect(c.query(`CREATE TABLE ${q(app)}.made (id INT)`)).rejects.toThrow(/denied/);
    await expect(c.query(`UPDATE ${q(app)}.secret_keys SET v = 'x'`)).rejects.toThrow(/denied/);
  });

  it('DDL creates and alters normal tables, never protected ones, and Refresh grants covers what it created', async () => {
    const { app, access } = await setup();
    const account = fx.account('dd');
    await access.createAccount(account, 'DDL', PASSWORD);
    const c = await fx.connect(account);
    await c.query(`ALTER TABLE ${q(app)}.orders ADD COLUMN note VARCHAR(10)`);
    await c.query(`CREATE TABLE ${q(app)}.made (id INT PRIMARY KEY)`);
    await expect(c.query(`ALTER TABLE ${q(app)}.secret_keys ADD COLUMN x INT`)).rejects.toThrow(/denied/);
    await expect(c.query(`DROP TABLE ${q(app)}.secret_keys`)).rejects.toThrow(/denied/);
    await expect(c.query(`SELECT * FROM ${q(app)}.secret_keys`)).rejects.toThrow(/denied/);
    // MySQL gives the creator no rights on what it created...
    await expect(c.query(`ALTER TABLE ${q(app)}.made ADD COLUMN y INT`)).rejects.toThrow(/denied/);
    // ...until the grants are refreshed for the tables that exist now.
    await access.refreshGrants(account, 'DDL');
    await c.query(`ALTER TABLE ${q(app)}.made ADD COLUMN y INT`);
    await expect(c.query(`SELECT * FROM ${q(app)}.secret_keys`)).rejects.toThrow(/denied/);
  });

  it('grants table by table in every schema, even one without protected tables today', async () => {
    const { app, open, access } = await setup();
    const account = fx.account('sl');
    await access.createAccount(account, 'DDL', PASSWORD);
    const grantee =
      grantMode === 'roles'
        ? { user: access.roleName('DDL'), host: '' }
        : { user: account.user, host: account.host };
    const [db] = await fx.pool.query<import('mysql2').RowDataPacket[]>(
      'SELECT Db, Select_priv, Create_priv, Drop_priv, Alter_priv, Create_view_priv FROM mysql.db WHERE User = ? AND Host = ? ORDER BY Db',
      [grantee.user, grantee.host],
    );
    const escaped = (s: string) => s.replace(/_/g, '\\_');
    expect(db).toEqual(
      [
        // Beside protected tables: CREATE and CREATE VIEW only, never DROP/ALTER/SELECT at schema level.
        {
          Db: escaped(app),
          Select_priv: 'N',
          Create_priv: 'Y',
          Drop_priv: 'N',
          Alter_priv: 'N',
          Create_view_priv: 'Y',
        },
        {
          Db: escaped(open),
          Select_priv: 'N',
          Create_priv: 'Y',
          Drop_priv: 'N',
          Alter_priv: 'N',
          Create_view_priv: 'Y',
        },
      ].sort((a, b) => a.Db.localeCompare(b.Db)),
    );
    const [tables] = await fx.pool.query<import('mysql2').RowDataPacket[]>(
      'SELECT Db, Table_name FROM mysql.tables_priv WHERE User = ? AND Host = ? ORDER BY Table_name',
      [grantee.user, grantee.host],
    );
    expect(tables.map((t) => `${t.Db}.${t.Table_name}`).sort()).toEqual(
      [`${app}.customers`, `${open}.items`, `${app}.orders`].sort(),
    );
    const [roles] = await fx.pool.query<import('mysql2').RowDataPacket[]>(
      'SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = ?',
      [account.user, account.host],
    );
    expect(roles.map((r) => r.Role)).toEqual(grantMode === 'roles' ? [access.roleName('DDL')] : []);
  });
});
