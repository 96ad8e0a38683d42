/**
 * What one access executed, summarised from the database's audit records for its account: the evidence
 * a security reviewer reads (connections, statements by kind, every write and DDL statement, failures, the
 * first and last statement). Pure: records in, a summary out; secrets never enter it — a statement that
 * sets a password is replaced by its kind, and literal values can be masked.
 */
import { type AuditRecord, recordInstant } from './audit-records.js';
import type { DbAccountRef, RequestBase } from './types.js';

export type StatementKind = 'read' | 'write' | 'ddl' | 'other';

export interface ActivityOptions {
  /** At most this many write/DDL/failed statements are listed (the summary says how many were left out). */
  maxListed: number;
  /** Each listed statement is cut to this many characters. */
  maxStatementLength: number;
  /** Replace quoted strings and numbers in listed statements with `?`. */
  maskLiterals: boolean;
}

/** 100 × 300 characters keeps one activity event near 30 KB: a request is one DynamoDB item (400 KB at most). */
export const DEFAULT_ACTIVITY_OPTIONS: ActivityOptions = {
  maxListed: 100,
  maxStatementLength: 300,
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

/** A record's time as ISO 8601 (UTC), or as written when it is not a time. */
function isoTime(record: AuditRecord, utcOffsetMinutes: number): string {
  return recordInstant(record.time, utcOffsetMinutes)?.toISOString() ?? record.time;
}

function listed(
  record: AuditRecord,
  kind: StatementKind,
  options: ActivityOptions,
  utcOffsetMinutes: number,
): ListedStatement {
  const raw = CARRIES_SECRET.test(record.object)
    ? `(${record.object.trim().split(/\s+/, 2).join(' ').toUpperCase()} … — hidden: it carries a password)`
    : options.maskLiterals
      ? maskLiterals(record.object)
      : record.object;
  const statement =
    raw.length > options.maxStatementLength ? `${raw.slice(0, options.maxStatementLength)}…` : raw;
  return {
    at: isoTime(record, utcOffsetMinutes),
    kind,
    statement,
    ...(record.retcode !== 0 ? { error: record.retcode } : {}),
  };
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

/** `utcOffsetMinutes` places MariaDB's local times (see recordInstant); every time in the summary is UTC. */
export function summarizeActivity(
  records: readonly AuditRecord[],
  options: ActivityOptions = DEFAULT_ACTIVITY_OPTIONS,
  utcOffsetMinutes = 0,
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
    summary.firstStatementAt ??= isoTime(record, utcOffsetMinutes);
    summary.lastStatementAt = isoTime(record, utcOffsetMinutes);
    if (kind === 'write' || kind === 'ddl') {
      if (summary.changes.length < options.maxListed)
        summary.changes.push(listed(record, kind, options, utcOffsetMinutes));
      else summary.omitted.changes++;
    }
    if (record.retcode !== 0) {
      if (summary.failures.length < options.maxListed)
        summary.failures.push(listed(record, kind, options, utcOffsetMinutes));
      else summary.omitted.failures++;
    }
  }
  return summary;
}

/** The span an access could have run statements in: from its account's creation to the end of its teardown. */
export interface ActivityWindow {
  from: string;
  to: string;
}

/**
 * The records of `account` between `window.from` and `window.to` (MariaDB's times are to the second, so
 * both ends are widened by a second), in the order the server wrote them.
 */
export function recordsInWindow(
  records: readonly AuditRecord[],
  window: ActivityWindow,
  utcOffsetMinutes: number,
): AuditRecord[] {
  const from = Date.parse(window.from) - 1000;
  const to = Date.parse(window.to) + 1000;
  return records.filter((r) => {
    const at = recordInstant(r.time, utcOffsetMinutes)?.getTime();
    return at !== undefined && at >= from && at <= to;
  });
}

/**
 * What the history records about one access's activity: the summary, where it came from and the window it
 * covers — or why there is none (the source could not be read; access has ended all the same).
 */
export type ActivityEvidence =
  | { source: string; window: ActivityWindow; summary: ActivitySummary }
  | { source: string; window: ActivityWindow; unavailable: string };

/** The activity a request's history records (its one `activity-recorded` event), if it has any yet. */
export function recordedActivity(request: Pick<RequestBase, 'events'>): ActivityEvidence | undefined {
  return request.events.find((e) => e.type === 'activity-recorded')?.details as ActivityEvidence | undefined;
}

export function hasSummary(
  evidence: ActivityEvidence,
): evidence is Extract<ActivityEvidence, { summary: ActivitySummary }> {
  return 'summary' in evidence;
}
