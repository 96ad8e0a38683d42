/**
 * The checks of one target's database, as the admin account Drawbridge will use: login, server dialect,
 * the admin's privileges, the configured schemas and the protected-table patterns.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { quoteIdent } from '../../adapters/mysql/admin-sql.js';
import { protectedTableMatcher } from '../../adapters/mysql/index.js';
import { describeServer, type ServerInfo } from '../../adapters/mysql/server-dialect.js';
import type { TargetConfig } from '../../config/config-types.js';
import { missingAdminPrivileges, parseGrants } from './admin-grants.js';
import { check, type DoctorCheck, messageOf } from './check.js';
import { accountNamesCheck, tierRolesCheck } from './ownership-checks.js';
import {
  accountPolicyCheck,
  auroraVersion,
  clientLoginCheck,
  endpointCheck,
  nameResolutionCheck,
  readServerVariables,
  type ServerVariables,
} from './server-settings.js';

/** Opens an admin connection to a target (the real one reads the password from the config or SSM). */
export type MysqlAdminFactory = (target: TargetConfig) => Promise<Connection>;

const CHECKS = [
  'admin login',
  'server',
  'endpoint',
  'name resolution',
  'account policies',
  'client login',
  'admin privileges',
  'schemas',
  'protected tables',
  'tier roles',
  'account names',
] as const;

/** @param names the MySQL user names requesters will get (from the config's directory), to find collisions. */
export async function databaseChecks(
  target: TargetConfig,
  connect: MysqlAdminFactory,
  names: readonly string[] = [],
): Promise<DoctorCheck[]> {
  const name = (what: (typeof CHECKS)[number]) => `target ${target.name}: ${what}`;
  const where = target.database.socketPath ?? `${target.database.host}:${target.database.port}`;
  let conn: Connection;
  try {
    conn = await connect(target);
  } catch (error) {
    return [
      check(
        name('admin login'),
        'fail',
        `cannot log in as ${target.database.adminUser} at ${where}: ${messageOf(error)}`,
      ),
      ...CHECKS.slice(1).map((what) => check(name(what), 'skip', 'needs the admin login')),
    ];
  }
  try {
    const [[row]] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v, CURRENT_USER() AS u');
    const [ssl] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    const version = String(row?.v ?? '');
    const cipher = String(ssl[0]?.Value ?? '');
    const as = `as ${String(row?.u ?? target.database.adminUser)} at ${where}`;
    const login =
      target.database.tls && cipher === ''
        ? check(name('admin login'), 'fail', `${as}, but without TLS although tls: true is configured`)
        : check(name('admin login'), 'ok', `${as}, ${cipher === '' ? 'without TLS' : `TLS (${cipher})`}`);
    const server = describeServer(version);
    const vars = await readServerVariables(conn);
    const tableRows = await tablesOf(conn, target.schemas);
    const lines = await grantLines(conn, server);
    const host = target.database.socketPath ?? target.database.host;
    return [
      login,
      serverCheck(name('server'), target, server, version, auroraVersion(vars)),
      endpointCheck(name('endpoint'), host, vars),
      nameResolutionCheck(name('name resolution'), vars),
      accountPolicyCheck(name('account policies'), vars),
      clientLoginCheck(name('client login'), server.flavor, vars),
      await privilegesCheck(name('admin privileges'), conn, target, server, lines, vars),
      schemasCheck(name('schemas'), target, tableRows),
      protectedCheck(name('protected tables'), target, tableRows),
      await readingMysql(name('tier roles'), () =>
        tierRolesCheck(name('tier roles'), conn, target, server, lines),
      ),
      await readingMysql(name('account names'), () =>
        accountNamesCheck(name('account names'), conn, target, names),
      ),
    ];
  } catch (error) {
    return [
      check(name('admin login'), 'fail', `logged in, then a query failed: ${messageOf(error)}`),
      ...CHECKS.slice(1).map((what) => check(name(what), 'skip', 'needs a working admin session')),
    ];
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Checks that read the `mysql` schema are skipped, not failed, for an admin who cannot (reported above). */
async function readingMysql(name: string, run: () => Promise<DoctorCheck>): Promise<DoctorCheck> {
  try {
    return await run();
  } catch (error) {
    return check(name, 'skip', `cannot read the mysql schema: ${messageOf(error)}`);
  }
}

function serverCheck(
  name: string,
  target: TargetConfig,
  server: ServerInfo,
  version: string,
  aurora: string | undefined,
): DoctorCheck {
  const flavor =
    server.flavor === 'mariadb'
      ? 'MariaDB'
      : aurora !== undefined
        ? `Aurora MySQL ${aurora} (MySQL`
        : 'MySQL';
  version = aurora !== undefined ? `${version})` : version;
  const roles = server.hasRoles ? 'has roles' : 'has no roles';
  const mode = target.grantMode === 'auto' ? (server.hasRoles ? 'roles' : 'direct') : target.grantMode;
  const detail = `${flavor} ${version}: ${roles}; users get ${mode === 'roles' ? 'a role per tier' : 'direct per-table grants'} (grantMode ${target.grantMode})`;
  if (target.grantMode === 'roles' && !server.hasRoles) {
    return check(
      name,
      'fail',
      `${detail}, but roles need MariaDB ≥ 10.0.5 or MySQL ≥ 8: set grantMode: auto or direct`,
    );
  }
  return check(name, 'ok', detail);
}

async function privilegesCheck(
  name: string,
  conn: Connection,
  target: TargetConfig,
  server: ServerInfo,
  lines: readonly string[],
  vars: ServerVariables,
): Promise<DoctorCheck> {
  const privileges = [...new Set(Object.values(target.policy.tiers).flatMap((p) => p.privileges))];
  const usesRoles = target.grantMode === 'roles' || (target.grantMode === 'auto' && server.hasRoles);
  const rdsKill = await hasRdsKill(conn);
  const missing = missingAdminPrivileges(parseGrants(lines), {
    flavor: server.flavor,
    schemas: target.schemas,
    privileges,
    kill: target.kill,
    usesRoles,
    managed: rdsKill || auroraVersion(vars) !== undefined,
  });
  if (target.kill === 'rds_kill' && !rdsKill) {
    missing.push('the procedure mysql.rds_kill, which only RDS and Aurora have (kill: kill elsewhere)');
  }
  if (missing.length > 0)
    return check(name, 'fail', `${target.database.adminUser} lacks ${missing.join('; ')}`);
  return check(
    name,
    'ok',
    `CREATE USER, PROCESS, ${target.kill === 'kill' ? 'KILL' : 'rds_kill'}${usesRoles && server.flavor === 'mariadb' ? ', UPDATE on mysql' : ''}, and ${privileges.join(', ')} WITH GRANT OPTION on ${target.schemas.join(', ')}`,
  );
}

/**
 * The account's grants, with those of its active roles: MariaDB shows them with `SHOW GRANTS FOR role`,
 * MySQL 8 expands them with `USING` (Aurora's master user holds its privileges through rds_superuser_role).
 */
async function grantLines(conn: Connection, server: ServerInfo): Promise<string[]> {
  const own = await showGrants(conn, 'SHOW GRANTS');
  if (!server.hasRoles) return own;
  const [[row]] = await conn.query<RowDataPacket[]>('SELECT CURRENT_ROLE() AS r');
  const current = row?.r === null || row?.r === undefined ? '' : String(row.r);
  if (current === '' || current === 'NONE') return own;
  try {
    if (server.flavor === 'mysql')
      return await showGrants(conn, `SHOW GRANTS FOR CURRENT_USER() USING ${current}`);
    const lines = [...own];
    const seen = new Set<string>();
    const queue = [current];
    while (queue.length > 0 && seen.size < 20) {
      const role = queue.shift() as string;
      if (seen.has(role)) continue;
      seen.add(role);
      const roleLines = await showGrants(conn, `SHOW GRANTS FOR ${quoteIdent(role)}`);
      lines.push(...roleLines);
      queue.push(...parseGrants(roleLines).roles.map(unquote));
    }
    return lines;
  } catch {
    // Best effort: without the role's grants the check may report too much missing, never too little.
    return own;
  }
}

const unquote = (operand: string) => operand.replace(/@.*$/, '').replace(/^[`'"]|[`'"]$/g, '');

async function showGrants(conn: Connection, sql: string): Promise<string[]> {
  const [rows] = await conn.query<RowDataPacket[]>(sql);
  return rows.map((r) => String(Object.values(r)[0] ?? ''));
}

async function hasRdsKill(conn: Connection): Promise<boolean> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql' AND ROUTINE_NAME = 'rds_kill'",
  );
  return rows.length > 0;
}

interface TableRow {
  schema: string;
  table: string;
}

async function tablesOf(
  conn: Connection,
  schemas: readonly string[],
): Promise<{ schemas: Set<string>; tables: TableRow[] }> {
  const [found] = await conn.query<RowDataPacket[]>(
    'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    [schemas],
  );
  const [tables] = await conn.query<RowDataPacket[]>(
    'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
    [schemas],
  );
  return {
    schemas: new Set(found.map((r) => String(r.s))),
    tables: tables.map((r) => ({ schema: String(r.s), table: String(r.t) })),
  };
}

function schemasCheck(
  name: string,
  target: TargetConfig,
  found: { schemas: Set<string>; tables: TableRow[] },
): DoctorCheck {
  const missing = target.schemas.filter((s) => !found.schemas.has(s));
  if (missing.length > 0) {
    return check(
      name,
      'fail',
      `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist (or the admin cannot see ${missing.length === 1 ? 'it' : 'them'})`,
    );
  }
  const counts = target.schemas.map((s) => {
    const n = found.tables.filter((t) => t.schema === s).length;
    return `${s} (${n} table${n === 1 ? '' : 's'})`;
  });
  return check(name, 'ok', counts.join(', '));
}

/** A pattern that matches nothing is most likely a typo, which would leave the table it meant grantable. */
function protectedCheck(name: string, target: TargetConfig, found: { tables: TableRow[] }): DoctorCheck {
  if (target.protectedTables.length === 0)
    return check(name, 'ok', 'none configured: every table is grantable');
  const unmatched: string[] = [];
  const counts: string[] = [];
  for (const pattern of target.protectedTables) {
    const matches = found.tables.filter((t) => protectedTableMatcher([pattern])(t.table)).length;
    if (matches === 0) unmatched.push(pattern);
    else counts.push(`${pattern} (${matches})`);
  }
  if (unmatched.length > 0) {
    return check(
      name,
      'warn',
      `${unmatched.join(', ')} ${unmatched.length === 1 ? 'matches' : 'match'} no table in ${target.schemas.join(', ')}: a typo is likely`,
    );
  }
  return check(name, 'ok', `never granted: ${counts.join(', ')}`);
}
