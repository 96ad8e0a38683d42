import type { RowDataPacket } from 'mysql2/promise';
import { DependencyError } from '../../domain/errors.js';
import type { DbAccountRef } from '../../domain/types.js';
import { type AdminSql, ER } from './admin-sql.js';

export interface KillOptions {
  /** `KILL CONNECTION id`, or `CALL mysql.rds_kill(id)` on RDS / Aurora where KILL needs SUPER. */
  mode: 'kill' | 'rds_kill';
  /** Rounds of list → kill → pause before giving up. */
  rounds: number;
  /** Pause after round n is n × pauseMs: a killed thread stays listed until it notices. */
  pauseMs: number;
}

const STEP = 'kill-connections';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connection ids of `user` coming from `host` (PROCESSLIST shows TCP clients as `ip:port`). */
async function connectionsOf(sql: AdminSql, account: DbAccountRef): Promise<number[]> {
  const rows = await sql.rows<RowDataPacket>(
    STEP,
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND (HOST = ? OR HOST LIKE ?)',
    [account.user, account.host, `${account.host}:%`],
  );
  return rows.map((r) => Number(r.id)).filter((id) => Number.isSafeInteger(id) && id > 0);
}

/**
 * Kills every connection of the account and checks again until none is left, because DROP USER and
 * REVOKE leave live sessions running (on MariaDB a session holding a role keeps reading after DROP USER).
 * Returns how many connections were killed; throws DependencyError when some survive every round.
 */
export async function killConnections(
  sql: AdminSql,
  account: DbAccountRef,
  options: KillOptions,
): Promise<number> {
  const killed = new Set<number>();
  for (let round = 0; ; round++) {
    const ids = await connectionsOf(sql, account);
    if (ids.length === 0) return killed.size;
    if (round >= options.rounds) {
      throw new DependencyError(
        STEP,
        `${ids.length} connection(s) of ${account.user}@${account.host} still open after ${options.rounds} rounds of kills`,
      );
    }
    for (const id of ids) {
      const statement = options.mode === 'kill' ? `KILL CONNECTION ${id}` : `CALL mysql.rds_kill(${id})`;
      if (await sql.runTolerating(STEP, statement, [ER.NO_SUCH_THREAD])) killed.add(id);
    }
    await sleep(options.pauseMs * (round + 1));
  }
}
