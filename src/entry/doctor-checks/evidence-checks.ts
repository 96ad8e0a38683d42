/**
 * The evidence checks: is each target's audit source on and readable (and how to turn it on), can the
 * history be signed, and where does the digest go. Read only, like every doctor check.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { awsErrorName } from '../../adapters/aws/aws-errors.js';
import { keyFileMode } from '../../adapters/signing/key-file-signer.js';
import type { DrawbridgeConfig, TargetConfig } from '../../config/config-types.js';
import { check, type DoctorCheck, messageOf } from './check.js';
import type { MysqlAdminFactory } from './database-checks.js';

/** Reads one event of a log group (FilterLogEvents, limit 1): throws the SDK's error when it cannot. */
export interface LogsProbe {
  canRead(logGroup: string, region: string | undefined, endpoint: string | undefined): Promise<void>;
}

/** The signing key as KMS describes it (kms:DescribeKey). */
export interface KeyProbe {
  describe(
    keyId: string,
    region: string | undefined,
    endpoint: string | undefined,
  ): Promise<{ keySpec?: string; keyUsage?: string; enabled?: boolean }>;
}

export interface EvidenceDeps {
  mysqlAdmin: MysqlAdminFactory;
  logs?: LogsProbe;
  keys?: KeyProbe;
}

const EVENTS_NEEDED = ['CONNECT', 'QUERY_DDL', 'QUERY_DML', 'QUERY_DCL'] as const;

const ENABLE_MARIADB = (file: string) =>
  `INSTALL SONAME 'server_audit'; SET GLOBAL server_audit_output_type = 'file'; SET GLOBAL server_audit_file_path = '${file}'; SET GLOBAL server_audit_events = '${EVENTS_NEEDED.join(',')}'; SET GLOBAL server_audit_logging = ON — and the same under [mariadb] in the server's config (plugin_load_add = server_audit, server_audit_logging = ON, …) so it survives a restart`;

async function auditVariables(conn: Connection): Promise<Map<string, string>> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SHOW GLOBAL VARIABLES WHERE Variable_name LIKE 'server\\_audit\\_%' OR Variable_name = 'datadir'",
  );
  return new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value ?? '')]));
}

/** What the events setting leaves out of what Drawbridge needs (empty means every event is logged). */
function missingEvents(events: string): string[] {
  const set = new Set(
    events
      .toUpperCase()
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  );
  if (set.size === 0) return [];
  return EVENTS_NEEDED.filter((e) => !set.has(e) && !(e.startsWith('QUERY') && set.has('QUERY')));
}

function serverSideProblems(vars: Map<string, string>, aurora: boolean): string[] {
  const problems: string[] = [];
  if (
    (vars.get('server_audit_logging') ?? '').toUpperCase() !== 'ON' &&
    vars.get('server_audit_logging') !== '1'
  )
    problems.push(
      aurora
        ? 'server_audit_logging is off (set it to 1 in the cluster parameter group)'
        : 'server_audit_logging is OFF',
    );
  const missing = missingEvents(vars.get('server_audit_events') ?? '');
  if (missing.length > 0) problems.push(`server_audit_events leaves out ${missing.join(', ')}`);
  return problems;
}

function notes(vars: Map<string, string>): string[] {
  const out: string[] = [];
  const excluded = vars.get('server_audit_excl_users') ?? '';
  const included = vars.get('server_audit_incl_users') ?? '';
  if (excluded) out.push(`server_audit_excl_users (${excluded}) must not name a requester`);
  if (included)
    out.push(`only server_audit_incl_users (${included}) are logged: requesters must be among them`);
  const limit = Number(vars.get('server_audit_query_log_limit') ?? '0');
  if (limit > 0 && limit < 4096)
    out.push(`statements are cut at ${limit} bytes (server_audit_query_log_limit)`);
  return out;
}

async function mariadbAuditCheck(
  name: string,
  target: TargetConfig,
  file: string,
  connect: MysqlAdminFactory,
): Promise<DoctorCheck> {
  let conn: Connection;
  try {
    conn = await connect(target);
  } catch (error) {
    return check(name, 'skip', `needs the admin login: ${messageOf(error)}`);
  }
  try {
    const vars = await auditVariables(conn);
    if (!vars.has('server_audit_logging'))
      return check(
        name,
        'fail',
        `the server_audit plugin is not installed. To record what each access executed: ${ENABLE_MARIADB(file)}`,
      );
    const problems = serverSideProblems(vars, false);
    if ((vars.get('server_audit_output_type') ?? '').toLowerCase() !== 'file')
      problems.push(
        `server_audit_output_type is ${vars.get('server_audit_output_type')} (Drawbridge reads the file)`,
      );
    const datadir = vars.get('datadir') ?? '';
    const written = vars.get('server_audit_file_path') || 'server_audit.log';
    const writes = isAbsolute(written) ? written : join(datadir, written);
    if (resolve(writes) !== resolve(file))
      problems.push(`the server writes ${writes}, not ${file} (set activity.file to it)`);
    if (problems.length > 0)
      return check(name, 'fail', `${problems.join('; ')}. To fix: ${ENABLE_MARIADB(file)}`);
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      return check(
        name,
        'fail',
        `the server logs to ${file}, but this process cannot read it: ${messageOf(error)} (run Drawbridge as a user in the server's group, or make the file group-readable)`,
      );
    }
    const extra = notes(vars);
    return check(
      name,
      extra.length > 0 ? 'warn' : 'ok',
      `server_audit logs ${vars.get('server_audit_events') || 'every event'} to ${file}, readable${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`,
    );
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function cloudwatchCheck(
  name: string,
  target: TargetConfig,
  activity: Extract<TargetConfig['activity'], { kind: 'cloudwatch-logs' }>,
  config: DrawbridgeConfig,
  deps: EvidenceDeps,
): Promise<DoctorCheck> {
  const enable = `enable Aurora advanced auditing (cluster parameter group: server_audit_logging = 1, server_audit_events = ${EVENTS_NEEDED.join(',')}) and the cluster's "audit" log export to CloudWatch Logs`;
  if (!deps.logs) return check(name, 'skip', `no AWS credentials to read ${activity.logGroup} with`);
  try {
    await deps.logs.canRead(activity.logGroup, activity.region ?? config.aws?.region, activity.endpoint);
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'ResourceNotFoundException')
      return check(name, 'fail', `the log group ${activity.logGroup} does not exist: ${enable}`);
    if (code === 'AccessDeniedException')
      return check(
        name,
        'fail',
        `not allowed to read ${activity.logGroup} (logs:FilterLogEvents; the CDK props' auditLogGroups grant it to the worker)`,
      );
    return check(name, 'fail', `cannot read ${activity.logGroup}: ${messageOf(error)}`);
  }
  // The cluster's own settings, when the admin login can see them.
  try {
    const conn = await deps.mysqlAdmin(target);
    try {
      const problems = serverSideProblems(await auditVariables(conn), true);
      if (problems.length > 0)
        return check(name, 'fail', `${activity.logGroup} is readable, but ${problems.join('; ')}: ${enable}`);
    } finally {
      await conn.end().catch(() => undefined);
    }
  } catch {
    // Reported by the target's admin login check.
  }
  return check(name, 'ok', `${activity.logGroup} is readable (FilterLogEvents)`);
}

export async function activityCheck(
  target: TargetConfig,
  config: DrawbridgeConfig,
  deps: EvidenceDeps,
): Promise<DoctorCheck> {
  const name = `target ${target.name}: activity`;
  const activity = target.activity;
  switch (activity.kind) {
    case 'none':
      return check(
        name,
        'warn',
        'activity: none — what each access executes is not recorded (see "For security reviewers" in the README)',
      );
    case 'mariadb-audit':
      return mariadbAuditCheck(name, target, activity.file, deps.mysqlAdmin);
    case 'cloudwatch-logs':
      return cloudwatchCheck(name, target, activity, config, deps);
  }
}

export async function historySigningCheck(
  config: DrawbridgeConfig,
  deps: EvidenceDeps,
): Promise<DoctorCheck> {
  const name = 'history signing';
  const { signing } = config.history;
  if (signing.kind === 'key-file') {
    const mode = keyFileMode(signing.path);
    if (mode === undefined)
      return check(name, 'ok', `Ed25519 key file ${signing.path}: created on first use (mode 0600)`);
    if ((mode & 0o077) !== 0)
      return check(
        name,
        'fail',
        `${signing.path} is readable by others (mode ${mode.toString(8)}): chmod 600 ${signing.path}`,
      );
    return check(name, 'ok', `Ed25519 key file ${signing.path} (mode 600)`);
  }
  if (!deps.keys) return check(name, 'skip', `no AWS credentials to describe ${signing.keyId} with`);
  try {
    const key = await deps.keys.describe(
      signing.keyId,
      signing.region ?? config.aws?.region,
      signing.endpoint,
    );
    if (key.keySpec !== 'ECC_NIST_P256' || key.keyUsage !== 'SIGN_VERIFY')
      return check(
        name,
        'fail',
        `${signing.keyId} is ${key.keySpec ?? '?'} / ${key.keyUsage ?? '?'}; history signing needs ECC_NIST_P256 / SIGN_VERIFY (the stack's HistoryKeyArn)`,
      );
    if (key.enabled === false)
      return check(name, 'fail', `${signing.keyId} is disabled: every write would fail`);
    return check(name, 'ok', `KMS key ${signing.keyId} (ECC_NIST_P256, SIGN_VERIFY)`);
  } catch (error) {
    return check(name, 'fail', `cannot describe ${signing.keyId}: ${messageOf(error)}`);
  }
}

export function digestCheck(config: DrawbridgeConfig): DoctorCheck {
  if (!config.digest)
    return check('digest', 'skip', 'no digest: set digest: { channel: C…, at: "08:00" } to post a daily one');
  const at = config.digest.atMinuteOfDay;
  const time = `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
  return check('digest', 'ok', `daily at ${time} UTC to ${config.digest.channel}`);
}
