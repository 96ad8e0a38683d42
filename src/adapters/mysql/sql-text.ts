/** Builders of SQL text for the parts MySQL cannot take as placeholders (identifiers, accounts). */
import type { DbAccountRef } from '../../domain/types.js';

/** A backtick-quoted identifier; embedded backticks are doubled. */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `user`@`host`; both parts were validated (account-input.ts) before reaching here. */
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
