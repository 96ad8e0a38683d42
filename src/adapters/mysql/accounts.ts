/** Accounts: the checked `user@host` of every account Drawbridge makes, listing accounts by name, and logging in as one (tests, the demo). */
import { connect } from 'node:net';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { DrawbridgeError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { DbAccountRef } from '../../domain/types.js';
import type { AdminSql } from './admin-sql.js';
import type { ServerInfo } from './server-dialect.js';

/** MySQL 5.7.8+/8.x limit user names to 32 characters; Drawbridge names are reduced to `[a-z0-9_]`. */
const USER_NAME = /^[a-z0-9_]{1,32}$/;
/** Dotted-quad without leading zeros: MySQL compares hosts as strings, so `010.0.0.1` would not match. */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export type AccountProblemCode = 'invalid_user' | 'invalid_host' | 'invalid_password';
export interface AccountProblem {
  code: AccountProblemCode;
  message: string;
}

/** A caller passed an account or password the adapter refuses to put into SQL. */
export class InvalidAccountError extends DrawbridgeError {
  constructor(problem: AccountProblem) {
    super(problem.code, problem.message);
  }
}

const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * Checks an account before any SQL is built from it: the user must match `^[a-z0-9_]{1,32}$` and the
 * host must be an IPv4 literal (the bastion's address), never a pattern such as `%` or a host name.
 */
export function checkAccount(account: DbAccountRef): Result<DbAccountRef, AccountProblem> {
  if (!USER_NAME.test(account.user)) {
    return err({
      code: 'invalid_user',
      message: `MySQL user ${shown(account.user)} must match [a-z0-9_]{1,32}`,
    });
  }
  if (!IPV4.test(account.host)) {
    return err({
      code: 'invalid_host',
      message: `MySQL host ${shown(account.host)} must be an IPv4 literal`,
    });
  }
  return ok({ user: account.user, host: account.host });
}

export function assertAccount(account: DbAccountRef): DbAccountRef {
  const checked = checkAccount(account);
  if (!checked.ok) throw new InvalidAccountError(checked.error);
  return checked.value;
}

/**
 * Passwords are printable ASCII without backslash: the literal then means the same whether or not the
 * server runs with NO_BACKSLASH_ESCAPES. Drawbridge's generator uses a shell-safe set, so this never bites.
 * The message never contains the password.
 */
export function assertPassword(password: string): void {
  if (password.length === 0 || password.length > 256 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(password)) {
    throw new InvalidAccountError({
      code: 'invalid_password',
      message: 'password must be 1-256 printable ASCII characters without backslash',
    });
  }
}

export interface DbAccount extends DbAccountRef {
  locked: boolean;
}

const yes = (v: unknown) => v === 'true' || v === 'Y' || v === 1 || v === '1';

/**
 * Accounts (any host) named in `userNames`, roles excluded, with whether each is locked: MariaDB 10.4+
 * keeps the flag in `mysql.global_priv` JSON, MySQL in `mysql.user.account_locked`. Flags are compared
 * here rather than in SQL: MariaDB's JSON and view columns clash with the connection's collation.
 */
export async function listAccounts(
  sql: AdminSql,
  server: ServerInfo,
  userNames: readonly string[],
): Promise<DbAccount[]> {
  let query: string;
  if (server.hasGlobalPriv) {
    query = `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.account_locked') AS locked,
             JSON_VALUE(Priv, '$.is_role') AS role FROM mysql.global_priv WHERE User IN (?)`;
  } else if (server.flavor === 'mariadb') {
    const role = server.hasRoles ? 'is_role' : "'N'";
    query = `SELECT User AS user, Host AS host, 'N' AS locked, ${role} AS role FROM mysql.user WHERE User IN (?)`;
  } else {
    // MySQL 8 roles are accounts; those granted to someone show up in role_edges.
    const role = server.hasRoles
      ? 'EXISTS (SELECT 1 FROM mysql.role_edges e WHERE e.FROM_USER = u.User AND e.FROM_HOST = u.Host)'
      : '0';
    query = `SELECT User AS user, Host AS host, account_locked AS locked, ${role} AS role
             FROM mysql.user u WHERE User IN (?)`;
  }
  const rows = await sql.rows<RowDataPacket>('list-accounts', query, [userNames]);
  return rows
    .filter((r) => !yes(r.role))
    .map((r) => ({ user: String(r.user), host: String(r.host), locked: yes(r.locked) }))
    .sort((a, b) => a.user.localeCompare(b.user) || a.host.localeCompare(b.host));
}

export interface ConnectAsOptions {
  /** Where the account's traffic enters: the bastion's listener, or the server itself in tests. */
  host: string;
  port: number;
  user: string;
  password: string;
  /** Source address to connect from (a loopback `127.x.y.z` in local mode); the account is pinned to it. */
  localAddress?: string;
  database?: string;
  connectTimeoutMs?: number;
  /** TLS, verifying the server (Aurora in AWS mode), with these CAs when given. */
  tls?: { ca?: string } | undefined;
  /** Exports: rows as arrays, dates and times as the server writes them (no Date objects to build). */
  rowsAsArray?: boolean;
}

/**
 * Opens a connection as a granted user (tests, the demo, `doctor`); the caller closes it. mysql2 accepts
 * a `localAddress` option but does not pass it to the socket (3.x), so the socket is opened here.
 */
export function connectAs(options: ConnectAsOptions): Promise<Connection> {
  const { host, port, localAddress } = options;
  return mysql.createConnection({
    host,
    port,
    user: options.user,
    password: options.password,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    ...(localAddress === undefined ? {} : { stream: () => connect({ host, port, localAddress }) }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(options.tls
      ? { ssl: { rejectUnauthorized: true, ...(options.tls.ca ? { ca: options.tls.ca } : {}) } }
      : {}),
    ...(options.rowsAsArray ? { rowsAsArray: true, dateStrings: true } : {}),
  });
}
