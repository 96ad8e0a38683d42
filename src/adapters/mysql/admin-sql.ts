/** The admin connection: statements with deadlines and step-named errors, server warnings, and quoting of identifiers and grant patterns. */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DependencyError } from '../../domain/errors.js';
import type { DbAccountRef } from '../../domain/types.js';

/** The part of a mysql2/promise Pool the adapter uses (the admin connection). */
export type AdminPool = Pick<Pool, 'query' | 'escape' | 'getConnection'>;

/** A row of SHOW WARNINGS: `Level` is Note, Warning or Error. */
export interface ServerWarning {
  level: string;
  code: number;
  message: string;
}

/** Server error numbers the adapter reacts to. */
export const ER = {
  /** CREATE USER on an existing account, DROP USER on a missing one. */
  CANNOT_USER: 1396,
  NONEXISTING_GRANT: 1141,
  NONEXISTING_TABLE_GRANT: 1147,
  NO_SUCH_TABLE: 1146,
  NO_SUCH_THREAD: 1094,
  /** MariaDB: GRANT/REVOKE of a role by an account without its ADMIN OPTION (e.g. after an admin rotation). */
  ACCESS_DENIED_NO_PASSWORD: 1698,
  DBACCESS_DENIED: 1044,
  SPECIFIC_ACCESS_DENIED: 1227,
  /** MySQL 8.0.22+: DROP USER refused because the account is the DEFINER of stored objects. */
  USER_REFERENCED_AS_DEFINER: 4006,
  /** MySQL 8.0.22+ with SET_USER_ID: the warning DROP USER gives instead of 4006, leaving objects orphaned. */
  WARN_USER_REFERENCED_AS_DEFINER: 4005,
  /** `validate_password` refused the password (MySQL). */
  NOT_VALID_PASSWORD: 1819,
  /** The server runs read-only (`--read-only`; an Aurora reader: 1290), or InnoDB does (1836). */
  OPTION_PREVENTS_STATEMENT: 1290,
  READ_ONLY_MODE: 1836,
} as const;

export const errnoOf = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { errno?: unknown }).errno === 'number'
    ? (e as { errno: number }).errno
    : undefined;

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

/**
 * A DependencyError for a failed statement. When the statement carried a secret, the mysql2 error is
 * not kept as `cause` (its `sql` field holds the full statement): a copy with the secret redacted is.
 */
export function sqlFailure(step: string, e: unknown, secrets: readonly string[] = []): DependencyError {
  const raw = e instanceof Error ? e.message : String(e);
  const message = redact(raw, secrets);
  if (secrets.length === 0) return new DependencyError(step, message, { cause: e });
  const cause = Object.assign(new Error(message), {
    errno: errnoOf(e),
    code: (e as { code?: unknown })?.code,
    sqlState: (e as { sqlState?: unknown })?.sqlState,
  });
  return new DependencyError(step, message, { cause });
}

/**
 * Runs admin statements and turns failures into DependencyError named after the step. Every statement has
 * a client-side deadline (`timeoutMs`): mysql2 gives up and closes that connection, so nothing Drawbridge
 * does waits forever on a frozen server. Lock waits end sooner on the server itself (the admin sessions'
 * `lock_wait_timeout`, set where the pool is made).
 */
export class AdminSql {
  constructor(
    private readonly pool: AdminPool,
    private readonly timeoutMs = 15_000,
  ) {}

  async rows<T extends RowDataPacket>(step: string, sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      const [rows] = await this.pool.query<T[]>({ sql, values: params, timeout: this.timeoutMs });
      return rows;
    } catch (e) {
      throw sqlFailure(step, e);
    }
  }

  async run(step: string, sql: string, params: unknown[] = []): Promise<void> {
    try {
      await this.pool.query({ sql, values: params, timeout: this.timeoutMs });
    } catch (e) {
      throw sqlFailure(step, e);
    }
  }

  /** Runs the statement; returns false instead of throwing when the server answers one of `tolerated`. */
  async runTolerating(step: string, sql: string, tolerated: readonly number[]): Promise<boolean> {
    try {
      await this.pool.query({ sql, timeout: this.timeoutMs });
      return true;
    } catch (e) {
      const errno = errnoOf(e);
      if (errno !== undefined && tolerated.includes(errno)) return false;
      throw sqlFailure(step, e);
    }
  }

  /**
   * Runs the statement and reads SHOW WARNINGS on the same connection: some servers report what matters
   * only there (MySQL 8.0.22+ with SET_USER_ID: DROP USER of a DEFINER succeeds with warning 4005; MariaDB:
   * ALTER USER refused by the password policy is error 1396 with warning 1819 beside it). `secret`, when
   * given, is spliced in escaped by `build` and redacted from any failure. Errors the server answers are
   * returned with the warnings, not thrown; anything else (a lost connection) throws a DependencyError.
   */
  async runReadingWarnings(
    step: string,
    build: (literal: string) => string,
    secret?: string,
  ): Promise<{ errno?: number; warnings: ServerWarning[] }> {
    const literal = secret === undefined ? '' : this.pool.escape(secret);
    const secrets = secret === undefined ? [] : [secret, literal.slice(1, -1)];
    let conn: Awaited<ReturnType<AdminPool['getConnection']>>;
    try {
      conn = await this.pool.getConnection();
    } catch (e) {
      throw sqlFailure(step, e);
    }
    try {
      let errno: number | undefined;
      try {
        await conn.query({ sql: build(literal), timeout: this.timeoutMs });
      } catch (e) {
        errno = errnoOf(e);
        if (errno === undefined) throw e;
      }
      const [rows] = await conn.query<RowDataPacket[]>({ sql: 'SHOW WARNINGS', timeout: this.timeoutMs });
      const warnings = rows.map((r) => ({
        level: String(r.Level),
        code: Number(r.Code),
        message: redact(String(r.Message ?? ''), secrets),
      }));
      return errno === undefined ? { warnings } : { errno, warnings };
    } catch (e) {
      throw sqlFailure(step, e, secrets);
    } finally {
      conn.release();
    }
  }

  /**
   * Runs a statement built by `build` with the escaped secret spliced in; a failure never carries the
   * secret. Returns the errno when it is one of `tolerated`, undefined on success.
   */
  async runSecret(
    step: string,
    build: (literal: string) => string,
    secret: string,
    tolerated: readonly number[] = [],
  ): Promise<number | undefined> {
    const literal = this.pool.escape(secret);
    try {
      await this.pool.query({ sql: build(literal), timeout: this.timeoutMs });
      return undefined;
    } catch (e) {
      const errno = errnoOf(e);
      if (errno !== undefined && tolerated.includes(errno)) return errno;
      throw sqlFailure(step, e, [secret, literal.slice(1, -1)]);
    }
  }
}

/** Builders of SQL text for the parts MySQL cannot take as placeholders (identifiers, accounts). */
/** A backtick-quoted identifier; embedded backticks are doubled. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `user`@`host`; both parts were validated (accounts.ts) before reaching here. */
export function accountSql(account: DbAccountRef): string {
  return `${quoteIdent(account.user)}@${quoteIdent(account.host)}`;
}

/**
 * In `GRANT … ON db.*` the database name is a LIKE pattern: `_` and `%` are wildcards, so a grant on
 * `a_b` would also open `aXb`. Escaping them with a backslash makes the grant literal; `mysql.db` then
 * stores the escaped form. MySQL 8 with `partial_revokes` reads names literally and must not be escaped.
 */
export function schemaGrantPattern(schema: string, escapeWildcards: boolean): string {
  return escapeWildcards ? schema.replace(/[\\_%]/g, '\\$&') : schema;
}

/** Inverse of schemaGrantPattern, for reading `mysql.db` rows back. */
export function schemaFromGrantPattern(pattern: string, escapeWildcards: boolean): string {
  return escapeWildcards ? pattern.replace(/\\(.)/gs, '$1') : pattern;
}

export function tableKey(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}
