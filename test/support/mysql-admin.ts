/**
 * The MariaDB the adapter tests run against. `DRAWBRIDGE_TEST_MYSQL_URL` (mysql://user:pass@host:port)
 * wins; otherwise root over /run/mysqld/mysqld.sock when it exists, else mysql://root@127.0.0.1:3306.
 * Granted users always connect over TCP (host pinning needs a source address): the URL's host and port,
 * or 127.0.0.1:3306.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import { quoteIdent } from '../../src/adapters/mysql/admin-sql.js';

const SOCKET = '/run/mysqld/mysqld.sock';

export interface MysqlTestServer {
  admin: PoolOptions;
  /** Where granted users connect. */
  tcp: { host: string; port: number };
}

export function mysqlTestServer(): MysqlTestServer {
  const url = process.env.DRAWBRIDGE_TEST_MYSQL_URL;
  if (url) {
    const u = new URL(url);
    const host = u.hostname;
    const port = Number(u.port || 3306);
    return {
      admin: {
        host,
        port,
        user: decodeURIComponent(u.username || 'root'),
        password: decodeURIComponent(u.password),
      },
      tcp: { host, port },
    };
  }
  const tcp = { host: '127.0.0.1', port: 3306 };
  if (existsSync(SOCKET)) return { admin: { socketPath: SOCKET, user: 'root' }, tcp };
  return { admin: { ...tcp, user: 'root' }, tcp };
}

/** An admin pool; `multipleStatements` only for fixtures that create many tables at once. */
export function createAdminPool(extra: PoolOptions = {}): Pool {
  return mysql.createPool({ ...mysqlTestServer().admin, connectionLimit: 4, ...extra });
}

/** A lower-case `[a-z0-9_]` name unique to this run, `prefix` + 10 random characters (keep prefix ≤ 21). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex').slice(0, 10)}`;
}

/** A random loopback address other than 127.0.0.1, for host-pinned accounts. */
export function randomLoopback(): string {
  const b = randomBytes(3);
  return `127.${(b[0]! % 200) + 20}.${b[1]!}.${(b[2]! % 250) + 2}`;
}

const tableSql = (schema: string, table: string) =>
  `CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)} (id INT PRIMARY KEY, v VARCHAR(20))`;

/** Creates the schema and its tables, each with one row (id 1); batched when the pool allows several statements. */
export async function createSchema(
  pool: Pool,
  schema: string,
  tables: readonly string[],
  batch = 1,
): Promise<void> {
  await pool.query(`CREATE DATABASE ${quoteIdent(schema)}`);
  await createTables(pool, schema, tables, batch);
}

export async function createTables(
  pool: Pool,
  schema: string,
  tables: readonly string[],
  batch = 1,
): Promise<void> {
  for (let i = 0; i < tables.length; i += batch) {
    const statements = tables
      .slice(i, i + batch)
      .flatMap((t) => [
        tableSql(schema, t),
        `INSERT INTO ${quoteIdent(schema)}.${quoteIdent(t)} VALUES (1, 'one')`,
      ]);
    if (batch === 1) for (const s of statements) await pool.query(s);
    else await pool.query(statements.join(';\n'));
  }
}

export async function dropSchemas(pool: Pool, schemas: readonly string[]): Promise<void> {
  for (const s of schemas) await pool.query(`DROP DATABASE IF EXISTS ${quoteIdent(s)}`);
}

/** Drops Drawbridge roles (MariaDB: no host) and users left by a test. */
export async function dropPrincipals(
  pool: Pool,
  roles: readonly string[],
  users: readonly string[],
): Promise<void> {
  for (const r of roles) await pool.query(`DROP ROLE IF EXISTS ${quoteIdent(r)}`);
  if (users.length === 0) return;
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    'SELECT User AS u, Host AS h, is_role AS r FROM mysql.user WHERE User IN (?)',
    [users],
  );
  // is_role is compared here: on MariaDB 10.4+ mysql.user is a view whose flags clash with the collation.
  for (const row of rows.filter((r) => r.r !== 'Y'))
    await pool.query(`DROP USER IF EXISTS ${quoteIdent(row.u)}@${quoteIdent(row.h)}`);
}
