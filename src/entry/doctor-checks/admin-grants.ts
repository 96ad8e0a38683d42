/**
 * What the admin account holds, read from `SHOW GRANTS` text, and what it lacks for Drawbridge. Pragmatic:
 * global, schema and routine grants count (table and column grants cannot cover a whole schema); several
 * schema grants matching one schema are taken together.
 */
import type { KillMethod } from '../../config/config-types.js';

export interface GrantLine {
  /** Upper-case, single-spaced (`SHOW VIEW`); `ALL PRIVILEGES` for `ALL`. Column grants are left out. */
  privileges: string[];
  /** `*.*` is global; a schema grant keeps its name as written (a LIKE pattern with `\_` escapes). */
  on:
    | { level: 'global' }
    | { level: 'schema'; schema: string }
    | { level: 'object'; schema: string; name: string };
  grantOption: boolean;
}

export interface ParsedGrants {
  grants: GrantLine[];
  /**
   * MySQL 8 partial revokes (`partial_revokes` ON): `REVOKE INSERT ON app.* FROM a` lines take a privilege
   * back from one schema although a global grant holds it.
   */
  revokes: { privileges: string[]; schema: string }[];
  /** Roles granted to the account (`GRANT r TO u`), as SQL operands for `SHOW GRANTS FOR` / `USING`. */
  roles: string[];
}

const ALL = 'ALL PRIVILEGES';

/** Parses `SHOW GRANTS` lines; lines it does not understand (SET DEFAULT ROLE, PROXY) are skipped. */
export function parseGrants(lines: readonly string[]): ParsedGrants {
  const grants: GrantLine[] = [];
  const roles: string[] = [];
  const revokes: ParsedGrants['revokes'] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (/^REVOKE\s/i.test(line)) {
      const revoke = parseRevoke(line);
      if (revoke) revokes.push(revoke);
      continue;
    }
    if (!/^GRANT\s/i.test(line)) continue;
    const body = line.replace(/^GRANT\s+/i, '');
    const on = findKeyword(body, 'ON');
    const firstTo = findKeyword(body, 'TO');
    if (on === -1 || (firstTo !== -1 && firstTo < on)) {
      // `GRANT role[, role] TO account`
      if (firstTo !== -1) roles.push(...splitTopLevel(body.slice(0, firstTo)).map((r) => r.trim()));
      continue;
    }
    const to = findKeyword(body, 'TO', on);
    if (to === -1) continue;
    const privilegeText = body.slice(0, on);
    const objectText = body.slice(on + 2, to).trim();
    const rest = body.slice(to + 2);
    const object = parseObject(objectText);
    if (object === undefined) continue;
    const privileges = splitTopLevel(privilegeText)
      .map((p) => p.trim())
      .filter((p) => !p.includes('(')) // a column grant covers columns, not the table
      .map(normalise)
      .filter((p) => p !== 'PROXY');
    grants.push({ privileges, on: object, grantOption: /\bWITH\b.*\bGRANT\s+OPTION\b/i.test(rest) });
  }
  return { grants, roles, revokes };
}

/** `REVOKE INSERT, UPDATE ON `app`.* FROM `a`@`%`` → the privileges and the schema. */
function parseRevoke(line: string): ParsedGrants['revokes'][number] | undefined {
  const body = line.replace(/^REVOKE\s+/i, '');
  const on = findKeyword(body, 'ON');
  const from = findKeyword(body, 'FROM', on);
  if (on === -1 || from === -1) return undefined;
  const object = parseObject(body.slice(on + 2, from).trim());
  if (object?.level !== 'schema') return undefined;
  const privileges = splitTopLevel(body.slice(0, on)).map((p) => normalise(p.trim()));
  return { privileges, schema: object.schema };
}

/** Index of `keyword` as a whole word outside quotes, from `from`; -1 when absent. */
function findKeyword(text: string, keyword: string, from = 0): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '`' || ch === "'" || ch === '"') quote = ch;
    else if (
      i >= from &&
      /\s/.test(text[i - 1] ?? '') &&
      text.slice(i, i + keyword.length).toUpperCase() === keyword &&
      /\s/.test(text[i + keyword.length] ?? '')
    ) {
      return i;
    }
  }
  return -1;
}

function normalise(privilege: string): string {
  const upper = privilege.replace(/\s+/g, ' ').toUpperCase();
  return upper === 'ALL' ? ALL : upper;
}

/** Splits on commas outside parentheses and quotes (`SELECT (a, b), INSERT`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '`' || ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

function parseObject(text: string): GrantLine['on'] | undefined {
  const body = text.replace(/^(?:TABLE|PROCEDURE|FUNCTION|PACKAGE(?: BODY)?)\s+/i, '');
  if (body === '*.*' || body === '*') return { level: 'global' };
  const parts = identifiers(body);
  if (parts === undefined || parts.length !== 2) return undefined;
  const [schema = '', name = ''] = parts;
  return name === '*' ? { level: 'schema', schema } : { level: 'object', schema, name };
}

/** `` `a``b`.* `` → ['a`b', '*']; unquoted names are taken as written. */
function identifiers(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '`') {
      let name = '';
      i++;
      while (i < text.length) {
        if (text[i] === '`' && text[i + 1] === '`') {
          name += '`';
          i += 2;
        } else if (text[i] === '`') break;
        else name += text[i++];
      }
      i++;
      out.push(name);
    } else {
      const end = text.indexOf('.', i);
      out.push(text.slice(i, end === -1 ? undefined : end));
      i = end === -1 ? text.length : end;
    }
    if (text[i] === '.') i++;
    else if (i < text.length) return undefined;
  }
  return out;
}

/** A schema grant's name is a LIKE pattern: `%` any run, `_` one character, `\x` a literal x. */
export function schemaPatternMatches(pattern: string, schema: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] as string);
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 's').test(schema);
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

export interface AdminNeeds {
  flavor: 'mariadb' | 'mysql';
  /** The configured schemas and the privileges the tiers grant there (the union over tiers). */
  schemas: readonly string[];
  privileges: readonly string[];
  kill: KillMethod;
  /** Whether users get a role (MySQL 8 needs ROLE_ADMIN to grant one it did not get WITH ADMIN OPTION). */
  usesRoles: boolean;
  /** RDS or Aurora (mysql.rds_kill exists, or @@aurora_version): where KILL needs what the master lacks. */
  managed?: boolean;
}

/**
 * What the admin account lacks, one entry per missing item, worded as a GRANT would name it. Empty when it
 * has all Drawbridge needs: CREATE USER; SELECT on `mysql` (accounts, grants and roles are read there);
 * PROCESS (to see other accounts' connections) and CONNECTION ADMIN or SUPER for KILL (EXECUTE on
 * mysql.rds_kill instead, on RDS); each tier privilege WITH GRANT OPTION on each configured schema.
 */
export function missingAdminPrivileges(grants: ParsedGrants, needs: AdminNeeds): string[] {
  const global = grants.grants.filter((g) => g.on.level === 'global');
  const globalHas = (p: string) => global.some((g) => g.privileges.includes(p) || g.privileges.includes(ALL));
  const onSchema = (schema: string) =>
    grants.grants.filter(
      (g) =>
        g.on.level === 'global' || (g.on.level === 'schema' && schemaPatternMatches(g.on.schema, schema)),
    );
  const revokedOn = (schema: string, p: string) =>
    grants.revokes.some(
      (r) =>
        schemaPatternMatches(r.schema, schema) && (r.privileges.includes(p) || r.privileges.includes(ALL)),
    );
  const schemaHas = (schema: string, p: string) =>
    !revokedOn(schema, p) &&
    onSchema(schema).some((g) => g.privileges.includes(p) || g.privileges.includes(ALL));

  const missing: string[] = [];
  if (!globalHas('CREATE USER')) missing.push('CREATE USER ON *.*');
  if (!schemaHas('mysql', 'SELECT')) missing.push('SELECT ON mysql.* (accounts and grants are read there)');
  if (!globalHas('PROCESS')) missing.push("PROCESS ON *.* (to list the users' connections)");
  if (needs.kill === 'kill') {
    const connectionAdmin = needs.flavor === 'mariadb' ? 'CONNECTION ADMIN' : 'CONNECTION_ADMIN';
    if (!globalHas(connectionAdmin) && !globalHas('SUPER')) {
      missing.push(
        `${connectionAdmin} or SUPER ON *.* (for KILL)${needs.managed ? '; on RDS and Aurora set kill: rds_kill instead' : ''}`,
      );
    }
  } else {
    const routine = grants.grants.some(
      (g) =>
        g.on.level === 'object' &&
        g.on.schema === 'mysql' &&
        g.on.name === 'rds_kill' &&
        g.privileges.includes('EXECUTE'),
    );
    if (!routine && !schemaHas('mysql', 'EXECUTE')) missing.push('EXECUTE ON PROCEDURE mysql.rds_kill');
  }
  if (needs.usesRoles && needs.flavor === 'mysql' && !globalHas('ROLE_ADMIN') && !globalHas('SUPER')) {
    missing.push('ROLE_ADMIN ON *.* (to grant the tier roles)');
  }
  if (needs.usesRoles && needs.flavor === 'mariadb' && !schemaHas('mysql', 'UPDATE')) {
    missing.push("UPDATE ON mysql.* (MariaDB's SET DEFAULT ROLE … FOR another account writes there)");
  }
  for (const schema of needs.schemas) {
    const held = onSchema(schema);
    if (!held.some((g) => g.grantOption)) missing.push(`GRANT OPTION ON ${schema}.*`);
    const lacking = needs.privileges.filter((p) => !schemaHas(schema, p));
    if (lacking.length > 0) missing.push(`${lacking.join(', ')} ON ${schema}.* (to grant them)`);
  }
  return missing;
}
