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

export interface SessionRow {
  id: number;
  /** PROCESSLIST `HOST`: `ip:port`, `name:port` when the server resolves names, `localhost` for a socket. */
  host: string;
}

export interface SessionContext {
  /** Names the server resolved the account's address to (performance_schema.host_cache), if known. */
  ownNames: readonly string[];
  /** Names it resolved the addresses of the user name's other accounts to (another live access of theirs). */
  otherNames: readonly string[];
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** The host of a PROCESSLIST `HOST`, without the client port. */
export function hostOfSession(host: string): string {
  const ipv4OrName = /^(.*):(\d+)$/.exec(host);
  return ipv4OrName && !ipv4OrName[1]?.includes(':') ? (ipv4OrName[1] as string) : host;
}

/**
 * Which of the sessions of the account's user name are the account's. PROCESSLIST shows the client's
 * address (`10.0.1.5:51234`) only when the server skips name resolution; otherwise (`skip_name_resolve`
 * OFF, MySQL's default) it shows the name the address resolved to (`ip-10-0-1-5.eu-west-1.compute.internal`),
 * so matching the address alone can miss every session, and teardown would pass with sessions open.
 *
 * A session is the account's when its host is the account's address or a name the server resolved that
 * address to. It is another account's when its host is another address, or a name resolved from another
 * account's address. A name that cannot be attributed either way counts as the account's: the user name is
 * Drawbridge's (it is claimed per requester), so the session is one of Drawbridge's, and cutting one that
 * belonged to the same person's other access is better than leaving this one open past its end.
 */
export function sessionsOfAccount(
  rows: readonly SessionRow[],
  account: DbAccountRef,
  context: SessionContext,
): number[] {
  const own = new Set(context.ownNames.map((n) => n.toLowerCase()));
  const other = new Set(context.otherNames.map((n) => n.toLowerCase()));
  return rows
    .filter((row) => {
      const host = hostOfSession(row.host).toLowerCase();
      if (host === account.host.toLowerCase() || own.has(host)) return true;
      const isAddress = IPV4.test(host) || host.includes(':');
      return !isAddress && !other.has(host);
    })
    .map((row) => row.id)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

/** Connection ids of the account (see sessionsOfAccount for how a session is recognised). */
async function connectionsOf(sql: AdminSql, account: DbAccountRef): Promise<number[]> {
  const rows = await sql.rows<RowDataPacket>(
    STEP,
    'SELECT ID AS id, HOST AS host FROM information_schema.PROCESSLIST WHERE USER = ?',
    [account.user],
  );
  if (rows.length === 0) return [];
  const sessions = rows.map((r) => ({ id: Number(r.id), host: String(r.host ?? '') }));
  // Only a session showing a name needs the host cache.
  if (sessions.every((session) => IPV4.test(hostOfSession(session.host)))) {
    return sessionsOfAccount(sessions, account, { ownNames: [], otherNames: [] });
  }
  const others = await sql.rows<RowDataPacket>(
    STEP,
    'SELECT Host AS h FROM mysql.user WHERE User = ? AND Host <> ?',
    [account.user, account.host],
  );
  const otherHosts = others.map((r) => String(r.h));
  const names = await resolvedNames(sql, [account.host, ...otherHosts]);
  return sessionsOfAccount(sessions, account, {
    ownNames: names.get(account.host) ?? [],
    // Another account's host as written (`localhost`, a host name) is its, as is what its address resolved to.
    otherNames: [...otherHosts, ...[...names].flatMap(([ip, n]) => (ip === account.host ? [] : n))],
  });
}

/**
 * The names the server resolved each of `ips` to, from its host cache (empty where name resolution is
 * skipped, the performance schema is off, or the admin may not read it: the rules above still hold).
 */
async function resolvedNames(sql: AdminSql, ips: readonly string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  try {
    const rows = await sql.rows<RowDataPacket>(
      STEP,
      'SELECT IP AS ip, HOST AS h FROM performance_schema.host_cache WHERE IP IN (?) AND HOST IS NOT NULL',
      [ips],
    );
    for (const r of rows) names.set(String(r.ip), [...(names.get(String(r.ip)) ?? []), String(r.h)]);
  } catch {
    // Unreadable: nothing known.
  }
  return names;
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
