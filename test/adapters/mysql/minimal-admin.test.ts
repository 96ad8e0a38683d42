import type { RowDataPacket } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import type { GrantMode } from '../../../src/adapters/mysql/mysql-database-access.js';
import { DEFAULT_TIER_PRIVILEGES } from '../../../src/domain/tiers.js';
import { uniqueName } from '../../support/mysql-admin.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

/**
 * An admin holding exactly what doctor asks for — CREATE USER, SELECT on mysql, PROCESS, CONNECTION ADMIN,
 * the tiers' privileges WITH GRANT OPTION on the configured schema, and on MariaDB in roles mode UPDATE on
 * mysql (its `SET DEFAULT ROLE … FOR` another account needs it) — and nothing more. REVOKE needs
 * GRANT OPTION plus every privilege it revokes, so `REVOKE ALL PRIVILEGES ON db.*` is refused to it (1044),
 * as is `REVOKE ALL PRIVILEGES ON db.t` (1142); Drawbridge revokes exactly what the grantee holds.
 */
async function minimalAdmin(schema: string, grantMode: GrantMode) {
  const admin = fx.account('mn');
  const adminSql = `${q(admin.user)}@'127.0.0.1'`;
  await fx.pool.query(`CREATE USER ${adminSql} IDENTIFIED BY '${PASSWORD}'`);
  await fx.pool.query(`GRANT CREATE USER, PROCESS, CONNECTION ADMIN ON *.* TO ${adminSql}`);
  await fx.pool.query(`GRANT SELECT${grantMode === 'roles' ? ', UPDATE' : ''} ON mysql.* TO ${adminSql}`);
  const privileges = [...new Set(Object.values(DEFAULT_TIER_PRIVILEGES).flat())];
  await fx.pool.query(
    `GRANT ${privileges.join(', ')} ON ${q(schema.replace(/_/g, '\\_'))}.* TO ${adminSql} WITH GRANT OPTION`,
  );
  return fx.adminPool({ user: admin.user, password: PASSWORD });
}

async function tableGrants(user: string, host: string, schema: string): Promise<Record<string, string>> {
  const [rows] = await fx.pool.query<RowDataPacket[]>(
    'SELECT Table_name AS t, Table_priv AS p FROM mysql.tables_priv WHERE User = ? AND Host = ? AND Db = ?',
    [user, host, schema],
  );
  return Object.fromEntries(rows.map((r) => [String(r.t), String(r.p)]));
}

describe.each<GrantMode>(['roles', 'direct'])('with a minimal admin (%s)', (grantMode) => {
  it('closes a table that became protected, and narrows a tier whose privileges shrank', async () => {
    const app = await fx.schema('mn', ['orders', 'ledger', 'secret_keys']);
    const pool = await minimalAdmin(app, grantMode);
    const target = uniqueName('tg');
    const before = fx.access({ target, schemas: [app], protectedTables: ['secret_*'], grantMode, pool });
    const reader = fx.account('mr');
    await before.createAccount(reader, 'READ', PASSWORD);
    const session = await fx.connect(reader);
    await expect(session.query(`SELECT v FROM ${q(app)}.ledger`)).resolves.toBeDefined();

    // The same target, now protecting `ledger` too and granting READ only SELECT.
    const after = fx.access({
      target,
      schemas: [app],
      protectedTables: ['secret_*', 'ledger'],
      privileges: { READ: ['SELECT'] },
      grantMode,
      pool,
    });
    await after.refreshGrants(reader, 'READ');

    await expect(session.query(`SELECT v FROM ${q(app)}.ledger`)).rejects.toThrow(/denied/);
    await expect(session.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    const grantee =
      grantMode === 'roles'
        ? { user: after.roleName('READ'), host: '' }
        : { user: reader.user, host: reader.host };
    expect(await tableGrants(grantee.user, grantee.host, app)).toEqual({ orders: 'Select' });
  });

  it('takes back schema-level privileges the DDL tier no longer has', async () => {
    const app = await fx.schema('mk', ['orders', 'secret_keys']);
    const pool = await minimalAdmin(app, grantMode);
    const target = uniqueName('tg');
    const account = fx.account('mk');
    const before = fx.access({ target, schemas: [app], protectedTables: ['secret_*'], grantMode, pool });
    await before.createAccount(account, 'DDL', PASSWORD);
    const after = fx.access({
      target,
      schemas: [app],
      protectedTables: ['secret_*'],
      privileges: { DDL: ['SELECT', 'CREATE'] },
      grantMode,
      pool,
    });

    await after.refreshGrants(account, 'DDL');

    const session = await fx.connect(account);
    await expect(session.query(`CREATE VIEW ${q(app)}.v_orders AS SELECT 1 AS one`)).rejects.toThrow(
      /denied/,
    );
    await expect(session.query(`CREATE TABLE ${q(app)}.scratch (i INT)`)).resolves.toBeDefined();
  });
});
