/**
 * The run's SQL, parsed with node-sql-parser's MariaDB grammar (it covers the MySQL statements a run may
 * hold): split into statements by the lexer, each parsed on its own — so what runs is each statement's own
 * text — and turned into the domain's ParsedStatement. A text that does not parse is refused with the
 * parser's message and where (line and column).
 */
import { createRequire } from 'node:module';
import { err, ok, type Result } from '../../domain/result.js';
import type { ParsedStatement } from '../../domain/run-check.js';
import { lexSql } from './sql-lexer.js';

/**
 * Loaded with `require`, not `import`: on Lambda the parser comes from a layer (/opt/nodejs/node_modules), which
 * Node finds through NODE_PATH — and only CommonJS resolution reads NODE_PATH.
 */
const { Parser } = createRequire(import.meta.url)('node-sql-parser/build/mariadb.js') as {
  Parser: new () => SqlParser;
};

interface SqlParser {
  astify(sql: string, options?: { database: string }): unknown;
}

export interface ParsedRunSql {
  statements: ParsedStatement[];
  words: string[];
}

export interface SqlParseError {
  code: 'sql_unparsable';
  message: string;
}

const parser = new Parser();
const OPTIONS = { database: 'MariaDB' };

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Every node of the AST, depth first. */
function* nodes(value: unknown): Generator<Node> {
  if (Array.isArray(value)) for (const v of value) yield* nodes(v);
  else if (isNode(value)) {
    yield value;
    for (const v of Object.values(value)) yield* nodes(v);
  }
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : isNode(v) && typeof v.value === 'string' ? v.value : undefined;

function tablesOf(ast: Node): ParsedStatement['tables'] {
  const found: ParsedStatement['tables'] = [];
  for (const n of nodes(ast)) {
    const name = text(n.table) ?? text(n.view);
    // A column reference's `table` is a qualifier (maybe an alias), still a name the checks look at.
    if (name === undefined) continue;
    const schema = text(n.db);
    found.push({ name, ...(schema ? { schema } : {}) });
  }
  return found;
}

function functionsOf(ast: Node): string[] {
  const found: string[] = [];
  for (const n of nodes(ast)) {
    if (n.type !== 'function' && n.type !== 'aggr_func') continue;
    const name = n.name;
    if (typeof name === 'string') found.push(name.toLowerCase());
    else if (isNode(name) && Array.isArray(name.name))
      found.push(...name.name.map((part) => (text(part) ?? '').toLowerCase()));
  }
  return found;
}

function statementOf(ast: Node, source: string): ParsedStatement {
  const type = String(ast.type ?? '').toLowerCase();
  const keyword = typeof ast.keyword === 'string' ? ast.keyword.toLowerCase() : undefined;
  const into = isNode(ast.into) ? ast.into : undefined;
  return {
    type,
    ...(keyword && (type === 'create' || type === 'drop') ? { object: keyword } : {}),
    tables: tablesOf(ast),
    functions: functionsOf(ast),
    hasWhere: ast.where !== null && ast.where !== undefined,
    selectInto: Boolean(into && (into.keyword || into.expr)),
    text: source,
  };
}

interface PegError {
  message: string;
  location?: { start?: { line?: number; column?: number } };
}

export function parseRunSql(sql: string): Result<ParsedRunSql, SqlParseError> {
  const lexed = lexSql(sql);
  if (lexed.unterminated)
    return err({ code: 'sql_unparsable', message: 'the text ends inside a string, a `name` or a comment' });
  if (lexed.executableComment)
    return err({
      code: 'sql_unparsable',
      message: 'executable comments (/*! … */, /*+ … */) are not run: write the statement itself',
    });
  const statements: ParsedStatement[] = [];
  let cursor = 0;
  for (const piece of lexed.statements) {
    const offset = sql.indexOf(piece, cursor);
    cursor = offset + piece.length;
    const line = sql.slice(0, offset).split('\n').length;
    let ast: unknown;
    try {
      ast = parser.astify(piece, OPTIONS);
    } catch (e) {
      const pe = e as PegError;
      const at = pe.location?.start;
      const where = at?.line !== undefined ? ` (line ${line + at.line - 1}, column ${at.column ?? '?'})` : '';
      return err({ code: 'sql_unparsable', message: `does not parse${where}: ${pe.message}` });
    }
    const asts = (Array.isArray(ast) ? ast : [ast]).filter(isNode);
    if (asts.length !== 1)
      return err({
        code: 'sql_unparsable',
        message: `"${piece.slice(0, 60)}" is ${asts.length} statements to the parser, one to the splitter`,
      });
    statements.push(statementOf(asts[0] as Node, piece));
  }
  return ok({ statements, words: lexed.words });
}
