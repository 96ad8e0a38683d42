import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import { DependencyError } from '../../../src/domain/errors.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

/**
 * An account dropped while it was the DEFINER of a view leaves the view orphaned. MariaDB (and MySQL with
 * SET_USER_ID) lets CREATE USER make an account of that name again, which silently becomes the view's
 * owner: Drawbridge refuses to create it and says why, rather than hand a new access someone else's objects.
 */
describe('creating an account named as DEFINER of orphaned objects', () => {
  it('is refused, naming the objects, and creates nothing', async () => {
    const app = await fx.schema('od', ['orders']);
    const access = fx.access({ schemas: [app], protectedTables: [] });
    const account = fx.account('od');
    const accountSql = `${q(account.user)}@${q(account.host)}`;
    await fx.pool.query(`CREATE USER ${accountSql} IDENTIFIED BY '${PASSWORD}'`);
    await fx.pool.query(
      `CREATE DEFINER = ${accountSql} VIEW ${q(app)}.v_orders AS SELECT v FROM ${q(app)}.orders`,
    );
    await fx.pool.query(`DROP USER ${accountSql}`);

    const creating = access.createUser(account, PASSWORD);

    await expect(creating).rejects.toBeInstanceOf(DependencyError);
    await expect(creating).rejects.toThrow(
      `create-account: ${account.user}@${account.host} is the DEFINER of ${app}.v_orders (VIEW), left by an account of that name that was dropped`,
    );
    await expect(access.accountExists(account)).resolves.toBe(false);
  });

  it('goes ahead when no object names the account', async () => {
    const app = await fx.schema('oe', ['orders']);
    const access = fx.access({ schemas: [app], protectedTables: [] });
    const account = fx.account('oe');

    await access.createUser(account, PASSWORD);

    await expect(access.accountExists(account)).resolves.toBe(true);
  });
});
