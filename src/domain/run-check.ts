/**
 * What a run may execute. A parser (an adapter) turns the SQL into ParsedStatements; this decides, per tier,
 * whether the whole text may run and how: an export (one SELECT), a guarded DML transaction, or DDL statement
 * by statement. Fail closed: a statement kind, function or clause not known to be safe is refused, and a
 * protected table is refused wherever its name appears — in the parsed tables or anywhere in the text.
 * Pure: parsed statements and the target's rules in, the checked run or the reason out.
 */

import { protectedTableMatcher, SYSTEM_SCHEMAS } from './protected-tables.js';
import { err, ok, type Result } from './result.js';
import type { RunMode, RunStatementKind, Tier } from './types.js';

/** One statement as the parser saw it. */
export interface ParsedStatement {
  /** The parser's statement type, lower case: select, insert, update, delete, create, alter, … */
  type: string;
  /** For create and drop: table, index, view, database, … */
  object?: string;
  /** Every table (and view) the statement names, with its schema when qualified. */
  tables: { schema?: string; name: string }[];
  /** Every function it calls, lower case. */
  functions: string[];
  /** UPDATE and DELETE: whether there is a WHERE clause. */
  hasWhere: boolean;
  /** SELECT … INTO OUTFILE / DUMPFILE / @variable. */
  selectInto: boolean;
  /** The statement's own text, as the parser prints it back. */
  text: string;
}

export interface CheckedRun {
  mode: RunMode;
  statements: { kind: RunStatementKind; text: string }[];
}

export interface RunRefusal {
  code: 'sql_refused';
  message: string;
}

export interface RunRules {
  tier: Tier;
  /** The tier's privileges: a statement needs the privilege its kind uses. */
  privileges: readonly string[];
  /** The target's schemas: a statement may name no other. */
  schemas: readonly string[];
  protectedTables: readonly string[];
  /** Every word of the text outside strings and comments (the parser adapter extracts them). */
  words: readonly string[];
}

export const MAX_RUN_STATEMENTS = 20;

const KIND_OF: Readonly<Record<string, RunStatementKind>> = {
  select: 'select',
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  'create table': 'create table',
  'create index': 'create index',
  'alter ': 'alter table',
  'alter table': 'alter table',
  'drop table': 'drop table',
  'drop index': 'drop index',
  'rename ': 'rename table',
  'rename table': 'rename table',
  'truncate ': 'truncate table',
  'truncate table': 'truncate table',
};

const PRIVILEGE: Readonly<Record<RunStatementKind, readonly string[]>> = {
  select: ['SELECT'],
  insert: ['INSERT'],
  update: ['UPDATE'],
  delete: ['DELETE'],
  'create table': ['CREATE'],
  'create index': ['INDEX'],
  'alter table': ['ALTER'],
  'drop table': ['DROP'],
  'drop index': ['INDEX'],
  'rename table': ['ALTER', 'DROP', 'CREATE', 'INSERT'],
  'truncate table': ['DROP'],
};

const MODE_OF: Readonly<Record<RunStatementKind, RunMode>> = {
  select: 'export',
  insert: 'dml',
  update: 'dml',
  delete: 'dml',
  'create table': 'ddl',
  'create index': 'ddl',
  'alter table': 'ddl',
  'drop table': 'ddl',
  'drop index': 'ddl',
  'rename table': 'ddl',
  'truncate table': 'ddl',
};

/** Functions a run may never call: they wait, read or write files, take server-wide locks, or run code. */
const REFUSED_FUNCTIONS = new Set([
  'sleep',
  'benchmark',
  'load_file',
  'get_lock',
  'release_lock',
  'release_all_locks',
  'is_free_lock',
  'is_used_lock',
  'master_pos_wait',
  'source_pos_wait',
  'master_gtid_wait',
  'sys_exec',
  'sys_eval',
  'pg_sleep',
]);

/** What the user reads for a statement type the tiers do not cover. */
function typeRefusal(type: string): string {
  switch (type) {
    case 'grant':
    case 'revoke':
      return 'GRANT and REVOKE are never run: access is what Drawbridge grants';
    case 'set':
      return 'SET is never run (it could change a password, a variable or the session)';
    case 'load_data':
      return 'LOAD DATA is never run: it reads files';
    case 'replace':
      return 'REPLACE is not run (it deletes rows without a WHERE); write the DELETE and the INSERT';
    default:
      return `${type.toUpperCase().replace(/_/g, ' ')} is not a statement a run executes`;
  }
}

function kindOf(s: ParsedStatement): RunStatementKind | undefined {
  const key = s.type === 'create' || s.type === 'drop' ? `${s.type} ${s.object ?? ''}` : s.type;
  return KIND_OF[key] ?? KIND_OF[`${s.type} `];
}

const quote = (t: string) => (t.length > 80 ? `${t.slice(0, 77)}…` : t);

export function checkRun(
  parsed: readonly ParsedStatement[],
  rules: RunRules,
): Result<CheckedRun, RunRefusal> {
  const refuse = (message: string) => err<RunRefusal>({ code: 'sql_refused', message });
  if (parsed.length === 0) return refuse('there is no statement to run');
  if (parsed.length > MAX_RUN_STATEMENTS)
    return refuse(`a run holds at most ${MAX_RUN_STATEMENTS} statements; this one has ${parsed.length}`);

  const isProtected = protectedTableMatcher(rules.protectedTables);
  const protectedWord = rules.words.find((w) => isProtected(w));
  if (protectedWord)
    return refuse(
      `\`${protectedWord}\` is a protected table (${rules.protectedTables.join(', ')}): no run reads or changes it`,
    );

  const schemas = new Set(rules.schemas.map((s) => s.toLowerCase()));
  const system = new Set(SYSTEM_SCHEMAS);
  const privileges = new Set(rules.privileges.map((p) => p.toUpperCase()));
  const statements: CheckedRun['statements'] = [];
  for (const [i, s] of parsed.entries()) {
    const where = parsed.length > 1 ? `statement ${i + 1} (${quote(s.text)}): ` : '';
    const kind = kindOf(s);
    if (!kind)
      return refuse(
        `${where}${typeRefusal(s.type === 'create' || s.type === 'drop' ? `${s.type} ${s.object ?? ''}` : s.type)}`,
      );
    for (const t of s.tables) {
      if (isProtected(t.name))
        return refuse(`${where}\`${t.name}\` is a protected table: no run reads or changes it`);
      const schema = t.schema?.toLowerCase();
      if (schema && system.has(schema))
        return refuse(`${where}the system schema \`${t.schema}\` is never read by a run`);
      if (schema && !schemas.has(schema))
        return refuse(`${where}\`${t.schema}\` is not a schema of this target (${rules.schemas.join(', ')})`);
    }
    const fn = s.functions.find((f) => REFUSED_FUNCTIONS.has(f));
    if (fn) return refuse(`${where}${fn.toUpperCase()}() is never run`);
    if (s.selectInto)
      return refuse(`${where}SELECT … INTO is never run: results come back as a file in your DM`);
    if ((kind === 'update' || kind === 'delete') && !s.hasWhere)
      return refuse(`${where}${kind.toUpperCase()} needs a WHERE clause`);
    const missing = PRIVILEGE[kind].filter((p) => !privileges.has(p));
    if (missing.length > 0)
      return refuse(
        `${where}${kind.toUpperCase()} is outside the ${rules.tier} tier (it needs ${missing.join(', ')})`,
      );
    statements.push({ kind, text: s.text });
  }

  const modes = new Set(statements.map((s) => MODE_OF[s.kind]));
  if (modes.has('ddl') && modes.size > 1)
    return refuse(
      'schema changes commit one by one: run the DDL on its own, and the DML or the SELECT in another run',
    );
  if (modes.has('dml')) return ok({ mode: 'dml', statements });
  if (modes.has('ddl')) return ok({ mode: 'ddl', statements });
  if (statements.length > 1) return refuse('an export runs one SELECT; ask for each SELECT in its own run');
  return ok({ mode: 'export', statements });
}
