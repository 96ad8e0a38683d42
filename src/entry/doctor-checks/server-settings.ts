/**
 * What a target's server settings and endpoint mean for Drawbridge, read once per doctor run from
 * `SHOW GLOBAL VARIABLES` (a variable the server does not have is simply absent). Pure: each check takes
 * the variables and the configured host and says what works, what will fail, and what to change.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { check, type DoctorCheck } from './check.js';

export type ServerVariables = ReadonlyMap<string, string>;

const NAMES = [
  'read_only',
  'super_read_only',
  'innodb_read_only',
  'skip_name_resolve',
  'mandatory_roles',
  'activate_all_roles_on_login',
  'validate_password.policy',
  'validate_password_policy',
  'validate_password.dictionary_file',
  'validate_password_dictionary_file',
  'have_ssl',
  'require_secure_transport',
  'default_authentication_plugin',
  'authentication_policy',
  'aurora_version',
] as const;

export async function readServerVariables(conn: Connection): Promise<ServerVariables> {
  const [rows] = await conn.query<RowDataPacket[]>('SHOW GLOBAL VARIABLES WHERE Variable_name IN (?)', [
    NAMES,
  ]);
  return new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value ?? '')]));
}

const on = (vars: ServerVariables, name: string) =>
  ['ON', '1', 'YES', 'TRUE'].includes((vars.get(name) ?? '').toUpperCase());

/** `3.05.2` on Aurora MySQL (`@@aurora_version`), else undefined. */
export const auroraVersion = (vars: ServerVariables): string | undefined =>
  vars.get('aurora_version') || undefined;

/**
 * The endpoint: Drawbridge creates accounts and kills sessions, so it must talk to the writer. A reader
 * refuses CREATE USER (1290 with read_only, 1836 with innodb_read_only, as Aurora readers run), and sessions
 * on a reader are out of reach of KILL on the writer; RDS Proxy hides the client address the accounts are
 * pinned to.
 */
export function endpointCheck(name: string, host: string, vars: ServerVariables): DoctorCheck {
  const h = host.toLowerCase();
  if (h.includes('.proxy-')) {
    return check(
      name,
      'fail',
      `${host} is an RDS Proxy endpoint, which Drawbridge does not support: the server sees the proxy's address, so an account pinned to the bastion never matches. Point the target at the cluster (writer) endpoint`,
    );
  }
  if (h.includes('.cluster-ro-')) {
    return check(
      name,
      'fail',
      `${host} is the cluster's reader endpoint: CREATE USER fails there (1290/1836) and its sessions are out of KILL's reach. Use the cluster (writer) endpoint, …cluster-…`,
    );
  }
  const readOnly = ['read_only', 'super_read_only', 'innodb_read_only'].filter((v) => on(vars, v));
  if (readOnly.length > 0) {
    return check(
      name,
      'fail',
      `the server is read-only (${readOnly.map((v) => `@@${v}`).join(', ')} ON): a replica or an Aurora reader, where CREATE USER fails (1290/1836). Use the writer's endpoint`,
    );
  }
  if (h.includes('.cluster-custom-')) {
    return check(
      name,
      'warn',
      `${host} is a custom endpoint, which may route to readers (CREATE USER fails there, and KILL on the writer cannot reach their sessions). Use the cluster (writer) endpoint`,
    );
  }
  if (auroraVersion(vars) !== undefined && h.endsWith('.rds.amazonaws.com') && !h.includes('.cluster-')) {
    return check(
      name,
      'warn',
      `${host} is an Aurora instance endpoint: it is the writer now, but becomes a reader after a failover. Use the cluster (writer) endpoint`,
    );
  }
  return check(name, 'ok', `${host} is writable (read_only OFF)`);
}

/** Whether the server resolves client addresses to names, and what that means for finding sessions. */
export function nameResolutionCheck(name: string, vars: ServerVariables): DoctorCheck {
  if (!vars.has('skip_name_resolve') || on(vars, 'skip_name_resolve')) {
    return check(name, 'ok', 'skip_name_resolve ON: sessions show the bastion address they come from');
  }
  return check(
    name,
    'warn',
    'skip_name_resolve OFF: the server looks up a name for every client address (a DNS wait at each login) and lists sessions by that name, not the bastion address. Teardown still finds them (by the resolved name, else by the Drawbridge user name); set skip_name_resolve = ON (a restart) to avoid the lookups',
  );
}

/**
 * Server-wide account settings that reach Drawbridge's accounts: `mandatory_roles` is granted to every
 * account (and SET ROLE ALL or activate_all_roles_on_login activates it), so anything it can read every
 * access can read, protected tables included; `validate_password` STRONG with a dictionary can refuse a
 * random password, which is then regenerated.
 */
export function accountPolicyCheck(name: string, vars: ServerVariables): DoctorCheck {
  const mandatory = (vars.get('mandatory_roles') ?? '').trim();
  if (mandatory !== '') {
    return check(
      name,
      'warn',
      `mandatory_roles = ${mandatory} is granted to every account, Drawbridge's included${on(vars, 'activate_all_roles_on_login') ? ', and activate_all_roles_on_login makes it active at once' : ' (SET ROLE ALL activates it)'}: whatever it can read, each access can read — protected tables included. Empty mandatory_roles, or make sure it grants nothing on the configured schemas`,
    );
  }
  const policy = (
    vars.get('validate_password.policy') ??
    vars.get('validate_password_policy') ??
    ''
  ).toUpperCase();
  const dictionary =
    vars.get('validate_password.dictionary_file') ?? vars.get('validate_password_dictionary_file') ?? '';
  if ((policy === 'STRONG' || policy === '2') && dictionary !== '') {
    return check(
      name,
      'ok',
      `validate_password STRONG with a dictionary (${dictionary}): a generated password it refuses (1819) is replaced by another, up to 5 times`,
    );
  }
  return check(name, 'ok', `no mandatory_roles${policy === '' ? '' : `; validate_password ${policy}`}`);
}

/**
 * How requesters log in: MySQL 8.0/8.4 (RDS, Aurora 3) give new accounts `caching_sha2_password`, whose
 * first login after each password change (every Show credentials) needs TLS or RSA key exchange. The DM
 * asks the client for TLS; a server without TLS makes those logins fail (ERROR 2061).
 */
export function clientLoginCheck(
  name: string,
  flavor: 'mariadb' | 'mysql',
  vars: ServerVariables,
): DoctorCheck {
  if (flavor === 'mariadb') {
    return check(
      name,
      'ok',
      'MariaDB: accounts get mysql_native_password; TLS is used where the client asks for it',
    );
  }
  const plugin =
    vars.get('default_authentication_plugin') ??
    (vars.get('authentication_policy') ?? '').split(',')[0]?.replace('*', '').trim() ??
    '';
  const sha2 = plugin === '' || plugin === 'caching_sha2_password';
  const secure = on(vars, 'require_secure_transport')
    ? ' (require_secure_transport ON: only TLS logins)'
    : '';
  if (sha2 && (vars.get('have_ssl') ?? '').toUpperCase() === 'DISABLED') {
    return check(
      name,
      'fail',
      'accounts get caching_sha2_password but the server has TLS disabled: the first login after each Show credentials fails (ERROR 2061). Enable TLS on the server',
    );
  }
  return check(
    name,
    'ok',
    sha2
      ? `accounts get caching_sha2_password: logins after a password change need TLS, which the DM asks for (--ssl-mode=REQUIRED; MariaDB's client --ssl)${secure}`
      : `accounts get ${plugin}${secure}`,
  );
}
