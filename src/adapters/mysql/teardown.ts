/** Teardown: where an account's DEFINER objects can be and finding them, killing its sessions, and dropping (or locking) it. */
import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { DependencyError } from '../../domain/errors.js';
import type { DropReport } from '../../domain/ports.js';
import type { DbAccountRef } from '../../domain/types.js';
import { type AdminSql, accountSql, ER } from './admin-sql.js';
import { type DdlMarker, noDdlBetween, readDdlMarker, revokeRoles } from './roles.js';
import { accountExists, rolesOf, type ServerInfo, setDefaultRoleSql } from './server-dialect.js';

/**
 * Where an account's views and triggers can be. Searching for them is costly on MariaDB (see
 * DefinerIndex below), so it is skipped when the account could not have made one: it holds no
 * CREATE VIEW / TRIGGER directly or through a role.
 */
/** Where to look: nowhere, in the configured schemas (Drawbridge's own roles grant nothing else), or everywhere. */
export type SearchScope = 'none' | 'configured' | 'all';

export interface DefinerSearch {
  views: SearchScope;
  triggers: SearchScope;
}

const wider = (a: SearchScope, b: SearchScope): SearchScope =>
  a === 'all' || b === 'all' ? 'all' : a === 'configured' || b === 'configured' ? 'configured' : 'none';

/**
 * Decides where views and triggers the account may have created can be. `knownRoles` maps Drawbridge's
 * role names to the privileges they hold; any other role, and any direct grant, widens the search to all
 * schemas because its privileges are not known here. An account holding nothing at all was stripped
 * (a DEFINER locked by an earlier teardown) or never finished provisioning: its past is unknown, so
 * everything is searched.
 */
export async function definerSearch(
  sql: AdminSql,
  account: DbAccountRef,
  knownRoles: ReadonlyMap<string, readonly string[]>,
  roles: readonly { name: string }[],
  step: string,
): Promise<DefinerSearch> {
  let search: DefinerSearch = { views: 'none', triggers: 'none' };
  for (const role of roles) {
    const privileges = knownRoles.get(role.name);
    if (privileges === undefined) return { views: 'all', triggers: 'all' };
    search = {
      views: wider(search.views, privileges.includes('CREATE VIEW') ? 'configured' : 'none'),
      triggers: wider(search.triggers, privileges.includes('TRIGGER') ? 'configured' : 'none'),
    };
  }
  // mysql.user is a view on MariaDB 10.4+: its derived columns are compared here, not in SQL.
  const globalRows = await sql.rows<RowDataPacket>(
    step,
    'SELECT Create_view_priv AS v, Trigger_priv AS t FROM mysql.user WHERE User = ? AND Host = ?',
    [account.user, account.host],
  );
  const [scoped] = await sql.rows<RowDataPacket>(
    step,
    `SELECT MAX(v) AS v, MAX(t) AS t, COUNT(*) AS n FROM (
       SELECT Create_view_priv = 'Y' AS v, Trigger_priv = 'Y' AS t FROM mysql.db WHERE Host = ? AND User = ?
       UNION ALL SELECT FIND_IN_SET('Create View', Table_priv) > 0, FIND_IN_SET('Trigger', Table_priv) > 0
         FROM mysql.tables_priv WHERE Host = ? AND User = ?
     ) AS direct_grants`,
    [account.host, account.user, account.host, account.user],
  );
  if (roles.length === 0 && Number(scoped?.n ?? 0) === 0) return { views: 'all', triggers: 'all' };
  const direct = {
    v: globalRows.some((r) => String(r.v) === 'Y') || Number(scoped?.v ?? 0) === 1,
    t: globalRows.some((r) => String(r.t) === 'Y') || Number(scoped?.t ?? 0) === 1,
  };
  return {
    views: wider(search.views, direct.v ? 'all' : 'none'),
    triggers: wider(search.triggers, direct.t ? 'all' : 'none'),
  };
}

/**
 * Stored objects an account is the DEFINER of. Routines and events are cheap to look up. Views and
 * triggers are not on MariaDB: information_schema reads every table definition (≈ 75 ms for VIEWS and
 * ≈ 25 ms for TRIGGERS at 10,000 tables). So they are searched only where definerSearch above says they can
 * be, and the listing of the configured schemas is kept until a statement that can create, change or
 * drop a view or trigger runs on the server (the DDL counters, roles.ts).
 */
interface Found {
  schema: string;
  name: string;
  kind: string;
  definer: string;
}

type Kind = 'VIEW' | 'TRIGGER';

const SOURCES: Record<Kind, string> = {
  VIEW: "SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, 'VIEW' AS k, DEFINER AS d FROM information_schema.VIEWS",
  TRIGGER:
    "SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS n, 'TRIGGER' AS k, DEFINER AS d FROM information_schema.TRIGGERS",
};
const SCHEMA_COLUMN: Record<Kind, string> = { VIEW: 'TABLE_SCHEMA', TRIGGER: 'TRIGGER_SCHEMA' };

const found = (rows: RowDataPacket[]): Found[] =>
  rows.map((r) => ({
    schema: String(r.s),
    name: String(r.n),
    kind: String(r.k),
    definer: String(r.d ?? ''),
  }));

export interface DefinerIndexOptions {
  /** The listing is read again at least this often, DDL or not. */
  maxAgeMs: number;
  now: () => number;
}

/** Finds an account's stored objects; one per target, shared by its teardowns. */
export class DefinerIndex {
  private readonly cache = new Map<Kind, { marker: DdlMarker; at: number; objects: Found[] }>();

  constructor(
    private readonly sql: AdminSql,
    private readonly schemas: readonly string[],
    private readonly options: DefinerIndexOptions,
  ) {}

  /** `schema.name (TYPE)` of every object the account is DEFINER of, sorted. */
  async find(account: DbAccountRef, search: DefinerSearch, step: string): Promise<string[]> {
    const definer = `${account.user}@${account.host}`;
    const rows = await this.sql.rows<RowDataPacket>(
      step,
      `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS k, DEFINER AS d
         FROM information_schema.ROUTINES WHERE DEFINER = ?
       UNION ALL SELECT EVENT_SCHEMA, EVENT_NAME, 'EVENT', DEFINER FROM information_schema.EVENTS WHERE DEFINER = ?`,
      [definer, definer],
    );
    const objects = found(rows);
    objects.push(...(await this.search('VIEW', search.views, definer, step)));
    objects.push(...(await this.search('TRIGGER', search.triggers, definer, step)));
    return objects.map((o) => `${o.schema}.${o.name} (${o.kind})`).sort();
  }

  private async search(kind: Kind, scope: SearchScope, definer: string, step: string): Promise<Found[]> {
    if (scope === 'none') return [];
    if (scope === 'all') {
      return found(await this.sql.rows<RowDataPacket>(step, `${SOURCES[kind]} WHERE DEFINER = ?`, [definer]));
    }
    const objects = await this.listConfigured(kind, step);
    return objects.filter((o) => o.definer === definer);
  }

  private async listConfigured(kind: Kind, step: string): Promise<Found[]> {
    const now = this.options.now();
    // Read before listing: an object created while we list moves the counters and is seen next time.
    const marker = await readDdlMarker(this.sql, step);
    const cached = this.cache.get(kind);
    if (cached && noDdlBetween(cached.marker, marker) && now - cached.at < this.options.maxAgeMs) {
      return cached.objects;
    }
    const rows = await this.sql.rows<RowDataPacket>(
      step,
      `${SOURCES[kind]} WHERE ${SCHEMA_COLUMN[kind]} IN (?)`,
      [this.schemas],
    );
    const objects = found(rows);
    this.cache.set(kind, { marker, at: now, objects });
    return objects;
  }
}

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

export interface TeardownDeps {
  sql: AdminSql;
  server: ServerInfo;
  definers: DefinerIndex;
  /** Drawbridge's roles on this target and the privileges each holds. */
  knownRoles: ReadonlyMap<string, readonly string[]>;
  kill: KillOptions;
}

/**
 * Removes an account for good. Order matters: its sessions are killed first — KILL needs no lock, so a
 * backup's global read lock that makes DROP USER wait does not keep a session alive — then no new logins
 * (DROP USER, or ACCOUNT LOCK for a DEFINER), then whatever connected meanwhile is killed and nothing may be
 * left. Idempotent: an absent account is reported `absent`, and its connections are still killed (a crash
 * may have left them behind).
 */
export async function teardownAccount(deps: TeardownDeps, account: DbAccountRef): Promise<DropReport> {
  const { sql, server } = deps;
  if (!(await accountExists(sql, server, account, 'drop-account'))) {
    const killedConnections = await killConnections(sql, account, deps.kill);
    return { outcome: 'absent', killedConnections, definerObjects: [], roleDefinerObjects: [] };
  }
  // The roles are read once, before anything is revoked: both searches need them.
  const roles = await rolesOf(sql, server, account, 'find-definer-objects');
  const search = await definerSearch(sql, account, deps.knownRoles, roles, 'find-definer-objects');
  const objects = await deps.definers.find(account, search, 'find-definer-objects');
  const roleDefinerObjects = await objectsOfHeldRoles(deps, roles);
  const killedFirst = await killConnections(sql, account, deps.kill);
  if (objects.length > 0) {
    const locked = await lockAccount(deps, account, objects);
    return { ...locked, killedConnections: killedFirst + locked.killedConnections, roleDefinerObjects };
  }

  const drop = await sql.runReadingWarnings(
    'drop-account',
    () => `DROP USER IF EXISTS ${accountSql(account)}`,
  );
  if (drop.errno === ER.USER_REFERENCED_AS_DEFINER) {
    // MySQL 8.0.22+ knows of an object the narrow search did not cover: search everywhere and lock.
    const all = await deps.definers.find(account, { views: 'all', triggers: 'all' }, 'find-definer-objects');
    const locked = await lockAccount(deps, account, all);
    return { ...locked, killedConnections: killedFirst + locked.killedConnections, roleDefinerObjects };
  }
  if (drop.errno !== undefined) {
    const why = drop.warnings.find((w) => w.level === 'Error')?.message ?? `error ${drop.errno}`;
    throw new DependencyError('drop-account', `DROP USER ${account.user}@${account.host} failed: ${why}`);
  }
  if (drop.warnings.some((w) => w.code === ER.WARN_USER_REFERENCED_AS_DEFINER)) {
    // With SET_USER_ID, MySQL 8.0.22+ drops a DEFINER with warning 4005 and leaves its objects orphaned
    // (they fail, or run as whoever is created under that name next). Put the account back, locked: its
    // objects have their DEFINER again and nobody can log in as it.
    const all = await deps.definers.find(account, { views: 'all', triggers: 'all' }, 'find-definer-objects');
    await recreateLocked(deps, account);
    const killedConnections = killedFirst + (await killConnections(sql, account, deps.kill));
    return { outcome: 'locked', killedConnections, definerObjects: all, roleDefinerObjects };
  }
  const killedConnections = killedFirst + (await killConnections(sql, account, deps.kill));
  if (await accountExists(sql, server, account, 'drop-account')) {
    throw new DependencyError('drop-account', `${account.user}@${account.host} still exists after DROP USER`);
  }
  return { outcome: 'dropped', killedConnections, definerObjects: [], roleDefinerObjects };
}

/** A password nobody knows, for an account that must exist but never log in again. */
const unknownPassword = () => randomBytes(24).toString('base64url');

/** CREATE USER … ACCOUNT LOCK with a password nobody knows (no privilege, no role: a fresh account has none). */
async function recreateLocked(deps: TeardownDeps, account: DbAccountRef): Promise<void> {
  const unknown = unknownPassword();
  await deps.sql.runSecret(
    'lock-account',
    (literal) => `CREATE USER IF NOT EXISTS ${accountSql(account)} IDENTIFIED BY ${literal} ACCOUNT LOCK`,
    unknown,
  );
}

/** Privileges that make a stored object (whose DEFINER its maker may set to the current role). */
const OBJECT_CREATING: readonly string[] = ['CREATE VIEW', 'TRIGGER', 'CREATE ROUTINE', 'EVENT'];

/**
 * Objects whose DEFINER is one of Drawbridge's roles the account holds (`CREATE DEFINER=CURRENT_ROLE VIEW …`).
 * They are not the account's, so they do not stop its drop, but they outlive it and run with the role's
 * rights: the teardown reports them. Searched where the role's privileges let such objects be made.
 */
async function objectsOfHeldRoles(deps: TeardownDeps, roles: readonly { name: string }[]): Promise<string[]> {
  const found: string[] = [];
  for (const role of roles) {
    const privileges = deps.knownRoles.get(role.name);
    // A role that cannot create a stored object (READ, DML) cannot be the DEFINER of one: nothing to search.
    if (!privileges?.some((p) => OBJECT_CREATING.includes(p))) continue;
    const search = {
      views: privileges.includes('CREATE VIEW') ? ('configured' as const) : ('none' as const),
      triggers: privileges.includes('TRIGGER') ? ('configured' as const) : ('none' as const),
    };
    const asRole = { user: role.name, host: deps.server.roleHost };
    found.push(...(await deps.definers.find(asRole, search, 'find-definer-objects')));
  }
  return found;
}

/**
 * Dropping the DEFINER would orphan its objects (and MySQL 8.0.22+ refuses): lock the account instead,
 * strip every privilege and role, then kill its connections. Where ACCOUNT LOCK does not exist (MariaDB
 * before 10.4.2), an unknown random password stands in for the lock.
 */
async function lockAccount(
  deps: TeardownDeps,
  account: DbAccountRef,
  objects: string[],
): Promise<Omit<DropReport, 'roleDefinerObjects'>> {
  const { sql, server } = deps;
  const target = accountSql(account);
  if (server.hasAccountLock) {
    await sql.run('lock-account', `ALTER USER ${target} ACCOUNT LOCK`);
  } else {
    const unknown = unknownPassword();
    await sql.runSecret(
      'lock-account',
      (literal) => `SET PASSWORD FOR ${target} = PASSWORD(${literal})`,
      unknown,
    );
  }
  await revokeRoles(sql, server, account, 'revoke');
  await sql.run('revoke', `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${target}`);
  if (server.hasRoles) await sql.run('revoke', setDefaultRoleSql(server, null, account));
  const killedConnections = await killConnections(sql, account, deps.kill);
  return { outcome: 'locked', killedConnections, definerObjects: objects };
}
