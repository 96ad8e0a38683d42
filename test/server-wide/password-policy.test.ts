/**
 * A password-validation plugin that refuses the generated password answers 1819, as MySQL's
 * `validate_password` STRONG does when a random password happens to hold a dictionary word. Here MariaDB's
 * `simple_password_check` (it ships with the server) is set to refuse every password, to show that the
 * adapter reports the refusal as PasswordRefusedError — the one error the app answers with a fresh
 * password — and that nothing is created. Installs a plugin and sets global variables, so it runs in the
 * `server-wide` project, alone; both are put back afterwards.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabaseAccess } from '../../src/adapters/mysql/index.js';
import { cryptoRandom } from '../../src/adapters/system/system.js';
import { PasswordRefusedError } from '../../src/domain/errors.js';
import { PASSWORD_POLICY_TRIES, withAcceptedPassword } from '../../src/domain/password.js';
import {
  createAdminPool,
  createSchema,
  dropPrincipals,
  dropSchemas,
  randomLoopback,
  uniqueName,
} from '../support/mysql-admin.js';

const admin = createAdminPool();
const schema = uniqueName('pw');
const user = uniqueName('pw');
const host = randomLoopback();
let installedHere = false;

/** The plugin's defaults; raising the digits raised the minimal length with them, so both go back. */
async function relax() {
  await admin.query('SET GLOBAL simple_password_check_digits = DEFAULT');
  await admin.query('SET GLOBAL simple_password_check_minimal_length = DEFAULT');
}

beforeAll(async () => {
  await createSchema(admin, schema, ['orders']);
  const [plugins] = await admin.query<RowDataPacket[]>(
    "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'simple_password_check' AND PLUGIN_STATUS = 'ACTIVE'",
  );
  if (plugins.length === 0) {
    await admin.query("INSTALL SONAME 'simple_password_check'");
    installedHere = true;
  }
  // More digits than a 32-character password can hold: every password is refused.
  await admin.query('SET GLOBAL simple_password_check_digits = 100');
});

afterAll(async () => {
  await relax();
  if (installedHere) await admin.query("UNINSTALL SONAME 'simple_password_check'");
  await dropPrincipals(admin, [], [user]);
  await dropSchemas(admin, [schema]);
  await admin.end();
});

describe('a server password policy that refuses the password', () => {
  it('is a PasswordRefusedError on create, after a fresh password each time, and leaves no account', async () => {
    const access = createMysqlDatabaseAccess({
      pool: admin,
      target: uniqueName('tg'),
      schemas: [schema],
      protectedTables: [],
    });
    const tried: string[] = [];

    const creating = withAcceptedPassword(cryptoRandom, async (password) => {
      tried.push(password);
      await access.createUser({ user, host }, password);
    });

    await expect(creating).rejects.toBeInstanceOf(PasswordRefusedError);
    await expect(creating).rejects.toThrow(/password policy refused the generated password/);
    expect(new Set(tried).size).toBe(PASSWORD_POLICY_TRIES);
    await expect(access.accountExists({ user, host })).resolves.toBe(false);
    for (const password of tried) await expect(creating).rejects.not.toThrow(password);
  });

  it('is a PasswordRefusedError on rotation, and the old password still works', async () => {
    await relax();
    const access = createMysqlDatabaseAccess({
      pool: admin,
      target: uniqueName('tg'),
      schemas: [schema],
      protectedTables: [],
    });
    const first = await withAcceptedPassword(cryptoRandom, (password) =>
      access.createUser({ user, host }, password),
    );
    await admin.query('SET GLOBAL simple_password_check_digits = 100');

    await expect(
      access.rotatePassword({ user, host }, 'Zz-9xQ2-pW7mZ4-vK8rL1-nB5cD3-hJ6f'),
    ).rejects.toBeInstanceOf(PasswordRefusedError);
    const [rows] = await admin.query<RowDataPacket[]>(
      'SELECT authentication_string = PASSWORD(?) AS same FROM mysql.user WHERE User = ? AND Host = ?',
      [first, user, host],
    );
    expect(rows[0]?.same).toBe(1);
  });
});
