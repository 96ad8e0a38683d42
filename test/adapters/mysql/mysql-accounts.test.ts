import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { quoteIdent } from '../../../src/adapters/mysql/admin-sql.js';
import { AccountExistsError, DependencyError } from '../../../src/domain/errors.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();
const q = quoteIdent;

describe('accounts', () => {
  const setup = async () => {
    const app = await fx.schema('ac', ['orders', 'secret_keys']);
    const access = fx.access({ schemas: [app], protectedTables: ['secret_*'] });
    return { app, access };
  };

  it('works only from the source address it is pinned to', async () => {
    const { app, access } = await setup();
    const account = { ...fx.account('pn'), host: '127.77.0.9' };
    await access.createAccount(account, 'READ', PASSWORD);
    const pinned = await fx.connect(account, PASSWORD, '127.77.0.9');
    const [rows] = await pinned.query<import('mysql2').RowDataPacket[]>('SELECT CURRENT_USER() AS u');
    expect(rows[0]?.u).toBe(`${account.user}@127.77.0.9`);
    await expect(pinned.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    await expect(fx.connect(account, PASSWORD, '127.77.0.10')).rejects.toThrow(/not allowed to connect/);
    await expect(fx.connect(account, PASSWORD, '127.0.0.1')).rejects.toThrow(/not allowed to connect|denied/);
    await access.dropAccount(account);
  });

  it('rotatePassword: the old password is refused, the new one accepted', async () => {
    const { access } = await setup();
    const account = fx.account('rt');
    await access.createAccount(account, 'READ', PASSWORD);
    const next = 'Nw-4kT9-zQ7xV2-mR5pL8-cW3sB6-yH1d';
    await access.rotatePassword(account, next);
    await expect(fx.connect(account, PASSWORD)).rejects.toThrow(/denied/);
    await expect(fx.connect(account, next)).resolves.toBeDefined();
  });

  it('createUser refuses an account that exists and changes nothing: not its password, grants or sessions', async () => {
    const { app, access } = await setup();
    const account = fx.account('ex');
    // Somebody else's account with the same name and host: password, a grant of its own, a live session.
    await fx.pool.query(`CREATE USER ${q(account.user)}@${q(account.host)} IDENTIFIED BY '${PASSWORD}'`);
    await fx.pool.query(
      `GRANT SELECT, INSERT ON ${q(app)}.secret_keys TO ${q(account.user)}@${q(account.host)}`,
    );
    const theirs = await fx.connect(account);

    await expect(access.createUser(account, 'Id-8mK2-pX5vN7-qT4wR9-bG6jL3-sF2c')).rejects.toBeInstanceOf(
      AccountExistsError,
    );

    await expect(theirs.query(`SELECT v FROM ${q(app)}.secret_keys`)).resolves.toBeDefined();
    await expect(fx.connect(account, PASSWORD)).resolves.toBeDefined();
    const [grants] = await fx.pool.query<import('mysql2').RowDataPacket[]>(
      `SHOW GRANTS FOR ${q(account.user)}@${q(account.host)}`,
    );
    expect(grants.map((g) => Object.values(g)[0]).join('\n')).toMatch(
      /GRANT SELECT, INSERT ON .*secret_keys/,
    );
  });

  it('resetUser gives an account of ours a new password and strips it before the tier is granted again', async () => {
    const { app, access } = await setup();
    const account = fx.account('id');
    await access.createAccount(account, 'DML', PASSWORD);
    const next = 'Id-8mK2-pX5vN7-qT4wR9-bG6jL3-sF2c';
    await access.resetUser(account, next);
    await access.grantTier(account, 'READ');
    await expect(fx.connect(account, PASSWORD)).rejects.toThrow(/denied/);
    const c = await fx.connect(account, next);
    await expect(c.query(`SELECT v FROM ${q(app)}.orders`)).resolves.toBeDefined();
    await expect(c.query(`INSERT INTO ${q(app)}.orders VALUES (9, 'x')`)).rejects.toThrow(/denied/);
    expect(await access.listAccounts([account.user])).toEqual([{ ...account, locked: false }]);
  });

  it('listAccounts returns accounts of the given names, never roles', async () => {
    const { access } = await setup();
    const a = fx.account('la');
    const b = fx.account('lb');
    await access.createAccount(a, 'READ', PASSWORD);
    await access.createAccount(b, 'READ', PASSWORD);
    const listed = await access.listAccounts([a.user, b.user, access.roleName('READ'), 'nobody_here']);
    expect(listed).toEqual(
      [
        { ...a, locked: false },
        { ...b, locked: false },
      ].sort((x, y) => x.user.localeCompare(y.user)),
    );
    expect(await access.listAccounts([])).toEqual([]);
  });

  it('never puts the password in an error, its cause included', async () => {
    const { access } = await setup();
    const ghost = fx.account('gp');
    const secret = "Sx-7'qW2-eR4tY6-uI8oP0-aS3dF5-gH9j";
    const failure = access.rotatePassword(ghost, secret);
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    const e = await failure.catch((x: unknown) => x);
    expect((e as DependencyError).step).toBe('rotate-password');
    const shown = inspect(e, { depth: 10, showHidden: true });
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(secret.replace("'", "\\'"));
  });

  it('refreshGrants on an account that does not exist fails with a DependencyError', async () => {
    const { access } = await setup();
    await expect(access.refreshGrants(fx.account('nx'), 'READ')).rejects.toMatchObject({ step: 'grant' });
  });
});
