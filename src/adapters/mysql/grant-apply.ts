import { type AdminSql, ER } from './admin-sql.js';
import type { GrantStep } from './grant-plan.js';
import type { Grantee } from './grant-state.js';
import type { ServerInfo } from './server-info.js';
import { quoteIdent, schemaGrantPattern } from './sql-text.js';

export interface ApplyReport {
  /** GRANT statements that took effect. */
  granted: number;
  /** REVOKE statements that took effect. */
  revoked: number;
  /** Statements another process had already made moot (table dropped, grant already revoked). */
  moot: number;
}

/**
 * Runs the steps one statement each: the server's cost per GRANT dominates whatever the batching, and
 * single statements need no `multipleStatements` on the admin pool. Races with other processes are
 * tolerated: a revoke of a grant already gone and a grant on a table dropped meanwhile count as moot;
 * GRANT itself is idempotent. Privilege names were checked against the allow-list in the options.
 */
export async function applyGrantSteps(
  sql: AdminSql,
  grantee: Grantee,
  steps: readonly GrantStep[],
  server: ServerInfo,
  step: string,
): Promise<ApplyReport> {
  const report: ApplyReport = { granted: 0, revoked: 0, moot: 0 };
  const onSchema = (schema: string) =>
    `${quoteIdent(schemaGrantPattern(schema, server.escapeSchemaWildcards))}.*`;
  const revokeTolerated = [ER.NONEXISTING_GRANT, ER.NONEXISTING_TABLE_GRANT];
  for (const s of steps) {
    let done: boolean;
    switch (s.op) {
      case 'revoke-schema':
      case 'revoke-table': {
        const on =
          s.op === 'revoke-schema' ? onSchema(s.schema) : `${quoteIdent(s.schema)}.${quoteIdent(s.table)}`;
        // Exactly what is held, never ALL PRIVILEGES: REVOKE needs each privilege it names.
        done = true;
        if (s.privileges.length > 0) {
          done = await sql.runTolerating(
            step,
            `REVOKE ${s.privileges.join(', ')} ON ${on} FROM ${grantee.sql}`,
            revokeTolerated,
          );
        }
        if (s.grantOption) {
          const revoked = await sql.runTolerating(
            step,
            `REVOKE GRANT OPTION ON ${on} FROM ${grantee.sql}`,
            revokeTolerated,
          );
          done = s.privileges.length > 0 ? done : revoked;
        }
        if (done) report.revoked++;
        break;
      }
      case 'grant-schema':
        await sql.run(step, `GRANT ${s.privileges.join(', ')} ON ${onSchema(s.schema)} TO ${grantee.sql}`);
        done = true;
        report.granted++;
        break;
      case 'grant-table':
        done = await sql.runTolerating(
          step,
          `GRANT ${s.privileges.join(', ')} ON ${quoteIdent(s.schema)}.${quoteIdent(s.table)} TO ${grantee.sql}`,
          [ER.NO_SUCH_TABLE],
        );
        if (done) report.granted++;
        break;
    }
    if (!done) report.moot++;
  }
  return report;
}
