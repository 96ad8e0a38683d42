/**
 * A stand-in for a MySQL server this machine does not run (MySQL 8, Aurora): it answers the adapter's
 * statements from rules — the exact rows, error numbers and SHOW WARNINGS the server documents — and
 * records every statement. A statement no rule answers fails the test, so a rule set is also the exact
 * list of what the adapter may send.
 */
import type { AdminPool } from '../../src/adapters/mysql/admin-sql.js';

export interface ServerError {
  errno: number;
  message: string;
}

export type Answer =
  | { rows: Record<string, unknown>[] }
  | { ok: true; warnings?: { Level: string; Code: number; Message: string }[] }
  | { error: ServerError; warnings?: { Level: string; Code: number; Message: string }[] };

export interface Rule {
  match: RegExp;
  /** Answers in turn; the last one repeats. */
  answers: Answer[];
}

export function scriptedServer(rules: Rule[]) {
  const sent: string[] = [];
  const used = rules.map(() => 0);
  let lastWarnings: { Level: string; Code: number; Message: string }[] = [];

  const answer = async (sqlOrOptions: unknown): Promise<[unknown, unknown]> => {
    const sql =
      typeof sqlOrOptions === 'string' ? sqlOrOptions : String((sqlOrOptions as { sql: string }).sql);
    const text = sql.replace(/\s+/g, ' ').trim();
    sent.push(text);
    if (text === 'SHOW WARNINGS') return [lastWarnings, []];
    const index = rules.findIndex((r) => r.match.test(text));
    if (index === -1) throw new Error(`scripted server: no rule answers ${text}`);
    const rule = rules[index] as Rule;
    const reply = rule.answers[Math.min(used[index] ?? 0, rule.answers.length - 1)] as Answer;
    used[index] = (used[index] ?? 0) + 1;
    if ('rows' in reply) {
      lastWarnings = [];
      return [reply.rows, []];
    }
    if ('error' in reply) {
      lastWarnings = [
        ...(reply.warnings ?? []),
        { Level: 'Error', Code: reply.error.errno, Message: reply.error.message },
      ];
      throw Object.assign(new Error(reply.error.message), { errno: reply.error.errno });
    }
    lastWarnings = reply.warnings ?? [];
    return [{ affectedRows: 0, warningStatus: lastWarnings.length }, []];
  };

  const pool = {
    query: answer,
    escape: (value: unknown) => `'${String(value).replace(/'/g, "''")}'`,
    getConnection: async () => ({ query: answer, release() {} }),
  } as unknown as AdminPool;
  return { pool, sent };
}
