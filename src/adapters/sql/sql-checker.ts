/** The SqlChecker port: node-sql-parser's MariaDB grammar, then the domain's tier rules. */
import type { SqlChecker } from '../../domain/ports.js';
import { checkRun, type RunRules } from '../../domain/run-check.js';
import { parseRunSql } from './run-sql-parser.js';

export const mariadbSqlChecker: SqlChecker = {
  check(sql: string, rules: Omit<RunRules, 'words'>) {
    const parsed = parseRunSql(sql);
    if (!parsed.ok) return parsed;
    return checkRun(parsed.value.statements, { ...rules, words: parsed.value.words });
  },
};
