/** Per-file MariaDB fixture: unique schemas, targets and users, all removed after the file. */
import mysql, { type Connection, type Pool } from 'mysql2/promise';
import { afterAll } from 'vitest';
import { connectAs } from '../../../src/adapters/mysql/accounts.js';
import type { MysqlDatabaseAccessOptions } from '../../../src/adapters/mysql/mysql-database-access.js';
import {
  createMysqlDatabaseAccess,
  type MysqlDatabaseAccess,
} from '../../../src/adapters/mysql/mysql-database-access.js';
import { TIERS } from '../../../src/domain/types.js';
import {
  createAdminPool,
  createSchema,
  dropPrincipals,
  dropSchemas,
  mysqlTestServer,
  randomLoopback,
  uniqueName,
} from '../../support/mysql-admin.js';

export const PASSWORD = 'Tst-9xQ2-pW7mZ4-vK8rL1-nB5cD3-hJ6f';

export function useMysqlFixture() {
  const pool = createAdminPool();
  const schemas: string[] = [];
  const roles: string[] = [];
  const users: string[] = [];
  const connections: Connection[] = [];
  const pools: Pool[] = [];

  afterAll(async () => {
    for (const c of connections) c.destroy();
    await Promise.all(pools.map((p) => p.end()));
    await dropPrincipals(pool, roles, users);
    await dropSchemas(pool, schemas);
    await pool.end();
  });

  return {
    pool,
    async schema(prefix: string, tables: readonly string[]): Promise<string> {
      const name = uniqueName(prefix);
      schemas.push(name);
      await createSchema(pool, name, tables);
      return name;
    },
    /** An admin pool logged in as another account, over TCP from 127.0.0.1 (closed after the file). */
    adminPool(login: { user: string; password: string }): Pool {
      const { tcp } = mysqlTestServer();
      const other = mysql.createPool({ ...tcp, ...login, connectionLimit: 2 });
      pools.push(other);
      return other;
    },
    access(
      options: Omit<MysqlDatabaseAccessOptions, 'pool' | 'target'> & { target?: string; pool?: Pool },
    ): MysqlDatabaseAccess {
      const access = createMysqlDatabaseAccess({
        pool,
        target: options.target ?? uniqueName('tg'),
        ...options,
      });
      for (const tier of TIERS) roles.push(access.roleName(tier));
      return access;
    },
    /** A fresh account ref on a random loopback address. */
    account(prefix = 'u'): { user: string; host: string } {
      const user = uniqueName(prefix);
      users.push(user);
      return { user, host: randomLoopback() };
    },
    /** Connect as the account from its own loopback address (or `from`). */
    async connect(
      account: { user: string; host: string },
      password = PASSWORD,
      from = account.host,
    ): Promise<Connection> {
      const { tcp } = mysqlTestServer();
      const c = await connectAs({ ...tcp, user: account.user, password, localAddress: from });
      connections.push(c);
      return c;
    },
  };
}
