import { afterAll, describe, expect, it } from 'vitest';
import { DependencyError } from '../../../src/domain/errors.js';
import { PASSWORD, useMysqlFixture } from './mysql-fixture.js';

const fx = useMysqlFixture();

/**
 * Aurora / RDS refuse KILL to the admin user and offer `CALL mysql.rds_kill(id)`. MariaDB has no such
 * procedure, so this file installs a stand-in for the duration of the test (and removes it after).
 */
describe("kill: 'rds_kill'", () => {
  afterAll(async () => {
    await fx.pool.query('DROP PROCEDURE IF EXISTS mysql.rds_kill');
  });

  const install = (body: string) =>
    fx.pool.query(`CREATE OR REPLACE PROCEDURE mysql.rds_kill(IN thread BIGINT) BEGIN ${body}; END`);

  it('gives up with a DependencyError when connections survive every round, then kills them through rds_kill', async () => {
    const app = await fx.schema('rk', ['orders', 'secret_k']);
    const access = fx.access({
      schemas: [app],
      protectedTables: ['secret_*'],
      kill: 'rds_kill',
      killRounds: 2,
      killPauseMs: 5,
    });
    const account = fx.account('rk');
    await access.createAccount(account, 'READ', PASSWORD);
    const live = await fx.connect(account);

    await install('DO thread');
    const dropping = access.dropAccount(account);
    await expect(dropping).rejects.toBeInstanceOf(DependencyError);
    await expect(dropping).rejects.toMatchObject({ step: 'kill-connections' });
    await expect(live.query('SELECT 1')).resolves.toBeDefined();

    await install('KILL CONNECTION thread');
    // Sessions are killed before DROP USER: the account is still there, now dropped, and the session cut.
    expect(await access.dropAccount(account)).toEqual({
      outcome: 'dropped',
      killedConnections: 1,
      definerObjects: [],
      roleDefinerObjects: [],
    });
    await expect(live.query('SELECT 1')).rejects.toThrow();
  });
});
