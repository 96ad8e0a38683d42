/**
 * What one access executed, summarised from the database's audit records for its account: the evidence
 * a security reviewer reads (connections, statements by kind, every write and DDL statement, failures, the
 * first and last statement). Pure: records in, a summary out; secrets never enter it — a statement that
 * sets a password is replaced by its kind, and literal values can be masked.
 */
import type { AuditRecord } from './audit-records.js';
import type { DbAccountRef } from './types.js';

export type StatementKind = 'read' | 'write' | 'ddl' | 'other';

export interface ActivityOptions {
  /** At most this many write/DDL/failed statements are listed (the summary says how many were left out). */
  maxListed: number;
  /** Each listed statement is cut to this many characters. */
  maxStatementLength: number;
  /** Replace quoted strings and numbers in listed statements with `?`. */
  maskLiterals: boolean;
}

export const DEFAULT_ACTIVITY_OPTIONS: ActivityOptions = {
  maxListed: 200,
  maxStatementLength: 500,
  maskLiterals: false,
};

export interface ListedStatement {
  at: string;
  kind: StatementKind;
  statement: string;
  /** The server's error number when it failed. */
  error?: number;
}

export interface ActivitySummary {
  connections: number;
  failedConnections: number;
  statements: Record<StatementKind, number>;
  /** Write and DDL statements, in order, capped at `maxListed` (then `omitted` says how many more). */
  changes: ListedStatement[];
  /** Statements the server refused (retcode ≠ 0), capped likewise. */
  failures: ListedStatement[];
  omitted: { changes: number; failures: number };
  firstStatementAt?: string;
  lastStatementAt?: string;
}

const FIRST_WORD = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*\(?\s*([a-z]+)/i;
const READ = new Set(['select', 'show', 'describe', 'desc', 'explain', 'with', 'table', 'values', 'help']);
const WRITE = new Set(['insert', 'update', 'delete', 'replace', 'load', 'call', 'do', 'handler']);
const DDL = new Set(['create', 'alter', 'drop', 'rename', 'truncate', 'optimize', 'analyze', 'repair']);

/** The kind of a statement by its first keyword (after comments and an opening parenthesis). */
export function statementKind(statement: string): StatementKind {
  const word = FIRST_WORD.exec(statement)?.[1]?.toLowerCase() ?? '';
  if (READ.has(word)) return 'read';
  if (WRITE.has(word)) return 'write';
  if (DDL.has(word)) return 'ddl';
  return 'other';
}

/** Statements that carry a password: listed by what they are, never by their text. */
const CARRIES_SECRET = /\b(?:identified\s+(?:by|with)|password\s*\(|set\s+password)\b/i;

/** Quoted strings and numbers as `?`. */
export function maskLiterals(statement: string): string {
  return statement
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?');
}

function listed(record: AuditRecord, kind: StatementKind, options: ActivityOptions): ListedStatement {
  const raw = CARRIES_SECRET.test(record.object)
    ? `(${record.object.trim().split(/\s+/, 2).join(' ').toUpperCase()} … — hidden: it carries a password)`
    : options.maskLiterals
      ? maskLiterals(record.object)
      : record.object;
  const statement =
    raw.length > options.maxStatementLength ? `${raw.slice(0, options.maxStatementLength)}…` : raw;
  return { at: record.time, kind, statement, ...(record.retcode !== 0 ? { error: record.retcode } : {}) };
}

/** The records of one account: its user name, and its address (or a name the server resolved it to). */
export function recordsOfAccount(
  records: readonly AuditRecord[],
  account: DbAccountRef,
  resolvedNames: readonly string[] = [],
): AuditRecord[] {
  const hosts = new Set([account.host, ...resolvedNames].map((h) => h.toLowerCase()));
  return records.filter((r) => r.user === account.user && hosts.has(r.host.toLowerCase()));
}

export function summarizeActivity(
  records: readonly AuditRecord[],
  options: ActivityOptions = DEFAULT_ACTIVITY_OPTIONS,
): ActivitySummary {
  const summary: ActivitySummary = {
    connections: 0,
    failedConnections: 0,
    statements: { read: 0, write: 0, ddl: 0, other: 0 },
    changes: [],
    failures: [],
    omitted: { changes: 0, failures: 0 },
  };
  for (const record of records) {
    if (record.operation === 'CONNECT') summary.connections++;
    if (record.operation === 'FAILED_CONNECT') summary.failedConnections++;
    if (record.operation !== 'QUERY') continue;
    const kind = statementKind(record.object);
    summary.statements[kind]++;
    summary.firstStatementAt ??= record.time;
    summary.lastStatementAt = record.time;
    if (kind === 'write' || kind === 'ddl') {
      if (summary.changes.length < options.maxListed) summary.changes.push(listed(record, kind, options));
      else summary.omitted.changes++;
    }
    if (record.retcode !== 0) {
      if (summary.failures.length < options.maxListed) summary.failures.push(listed(record, kind, options));
      else summary.omitted.failures++;
    }
  }
  return summary;
}
