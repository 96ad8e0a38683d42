import type { RowDataPacket } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import type { GrantMode } from '../../../src/adapters/mysql/mysql-database-access.js';
import { createTables, uniqueName } from '../../support/mysql-admin.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

/**
 * Protected tables fail closed at every moment: a table that appears under a protected pattern while
 * sessions are live — created, or renamed into it — is refused to them at once, with no sync in between.
 */
describe.each<GrantMode>(['roles', 'direct'])('a protected table appearing mid-session (%s)', (grantMode) => {
  it('is refused at once to live READ and DDL sessions, created or renamed into the pattern', async () => {
    // No `secret_*` table today: an earlier version gave such a schema a schema-level grant.
    const app = await fx.schema('mid', ['orders', 'customers', 'notes']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'], grantMode });
    const reader = fx.account('mr');
    const changer = fx.account('md');
    await access.createAccount(reader, 'READ', PASSWORD);
    await access.createAccount(changer, 'DDL', PASSWORD);
    const read = await fx.connect(reader);
    const ddl = await fx.connect(changer);
    await expect(read.query(`SELECT v FROM ${q(app)}.customers`)).resolves.toBeDefined();
    await expect(ddl.query(`SELECT v FROM ${q(app)}.customers`)).resolves.toBeDefined();

    await createTables(fx.pool, app, ['secret_tokens']);
    await fx.pool.query(`RENAME TABLE ${q(app)}.customers TO ${q(app)}.secret_customers`);

    for (const session of [read, ddl]) {
      await expect(session.query(`SELECT * FROM ${q(app)}.secret_tokens`)).rejects.toThrow(/denied/);
      await expect(session.query(`SELECT * FROM ${q(app)}.secret_customers`)).rejects.toThrow(/denied/);
      await expect(session.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    }
    await expect(ddl.query(`ALTER TABLE ${q(app)}.secret_tokens ADD COLUMN x INT`)).rejects.toThrow(/denied/);
    await expect(ddl.query(`DROP TABLE ${q(app)}.secret_customers`)).rejects.toThrow(/denied/);

    // Nor does a sync or Refresh grants open them.
    if (grantMode === 'roles') await access.syncTierGrants(['READ', 'DDL']);
    await access.refreshGrants(changer, 'DDL');
    await expect(ddl.query(`SELECT * FROM ${q(app)}.secret_tokens`)).rejects.toThrow(/denied/);
    await expect(read.query(`SELECT * FROM ${q(app)}.secret_customers`)).rejects.toThrow(/denied/);
  });
});

describe('objects whose DEFINER is the tier role', () => {
  it('are reported when a holder of the role is dropped', async () => {
    const app = await fx.schema('dr', ['orders', 'secret_keys']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'], grantMode: 'roles' });
    const account = fx.account('dr');
    await access.createAccount(account, 'DDL', PASSWORD);
    const c = await fx.connect(account);
    await c.query(`CREATE DEFINER=CURRENT_ROLE VIEW ${q(app)}.role_view AS SELECT v FROM ${q(app)}.orders`);

    const report = await access.dropAccount(account);

    expect(report).toMatchObject({
      outcome: 'dropped',
      definerObjects: [],
      roleDefinerObjects: [`${app}.role_view (VIEW)`],
    });
  });
});

describe('admin rotation', () => {
  it('a new admin with ALL PRIVILEGES WITH GRANT OPTION can grant and revoke the role the old admin created', async () => {
    const app = await fx.schema('ar', ['orders', 'secret_keys']);
    const target = uniqueName('tg');
    const old = fx.access({ target, schemas: [app], protectedTables: ['secret_*'], grantMode: 'roles' });
    const first = fx.account('a1');
    await old.createAccount(first, 'READ', PASSWORD);

    const admin = fx.account('na');
    const adminSql = `${q(admin.user)}@'127.0.0.1'`;
    await fx.pool.query(`CREATE USER ${adminSql} IDENTIFIED BY '${PASSWORD}'`);
    await fx.pool.query(`GRANT ALL PRIVILEGES ON *.* TO ${adminSql} WITH GRANT OPTION`);
    const pool = fx.adminPool({ user: admin.user, password: PASSWORD });
    const rotated = fx.access({
      target,
      schemas: [app],
      protectedTables: ['secret_*'],
      grantMode: 'roles',
      pool,
    });
    const role = rotated.roleName('READ');
    // Without adoption MariaDB refuses this admin the role: error 1698.
    await expect(pool.query(`GRANT ${q(role)} TO ${q(first.user)}@${q(first.host)}`)).rejects.toThrow(
      /Access denied/,
    );

    const second = fx.account('a2');
    await rotated.createAccount(second, 'READ', PASSWORD);
    const c = await fx.connect(second);
    await expect(c.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    await expect(c.query(`SELECT v FROM ${q(app)}.secret_keys`)).rejects.toThrow(/denied/);
    // The first account, granted by the old admin, kept its access throughout; the new admin removes it too.
    const live = await fx.connect(first);
    await expect(live.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    expect(await rotated.dropAccount(first)).toMatchObject({ outcome: 'dropped', killedConnections: 1 });
    const [mapping] = await fx.pool.query<RowDataPacket[]>(
      'SELECT Admin_option AS a FROM mysql.roles_mapping WHERE User = ? AND Role = ?',
      [admin.user, role],
    );
    expect(mapping.map((m) => m.a)).toEqual(['Y']);
  });
});
