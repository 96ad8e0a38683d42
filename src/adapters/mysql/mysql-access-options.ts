import { ConfigError } from '../../domain/errors.js';
import { DEFAULT_TIER_PRIVILEGES, GRANTABLE_PRIVILEGES } from '../../domain/tiers.js';
import { TIERS, type Tier } from '../../domain/types.js';
import type { AdminPool } from './admin-sql.js';
import { normalisePrivilege } from './grant-plan.js';

export type GrantMode = 'auto' | 'roles' | 'direct';

export interface MysqlDatabaseAccessOptions {
  /** Admin connection to the target server (mysql2/promise). */
  pool: AdminPool;
  /** Target name from the config; names the roles (`drawbridge_<target>_<tier>`). */
  target: string;
  schemas: readonly string[];
  /** Glob patterns (`*`, `?`, case-insensitive) of tables never granted, e.g. `secret_*`, `*_pii`. */
  protectedTables: readonly string[];
  /** `auto` (default): roles where the server has them, else direct per-table grants. */
  grantMode?: GrantMode;
  /** Per tier; tiers not given keep DEFAULT_TIER_PRIVILEGES. */
  privileges?: Partial<Record<Tier, readonly string[]>>;
  /** `rds_kill` on RDS / Aurora. Default `kill`. */
  kill?: 'kill' | 'rds_kill';
  /** Rounds of list → kill before dropAccount gives up (default 10). */
  killRounds?: number;
  /** Pause unit between kill rounds (default 25 ms). */
  killPauseMs?: number;
  /** Full role check at least this often even without DDL (default 5 minutes). */
  fullCheckIntervalMs?: number;
  /** Client-side deadline of each admin statement (default 15 s). */
  statementTimeoutMs?: number;
  now?: () => number;
}

export interface ResolvedOptions {
  pool: AdminPool;
  target: string;
  schemas: readonly string[];
  protectedTables: readonly string[];
  grantMode: GrantMode;
  privileges: Readonly<Record<Tier, readonly string[]>>;
  kill: 'kill' | 'rds_kill';
  killRounds: number;
  killPauseMs: number;
  fullCheckIntervalMs: number;
  statementTimeoutMs: number;
  now: () => number;
}

const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
const ALLOWED = new Set<string>(GRANTABLE_PRIVILEGES);

/**
 * Checks the options once, at construction: never a system schema (even if configured), only table-level
 * privileges from GRANTABLE_PRIVILEGES (so no global privilege, no GRANT OPTION, no ALL), and the
 * privilege names normalised so they can be spliced into GRANT text.
 */
export function resolveOptions(options: MysqlDatabaseAccessOptions): ResolvedOptions {
  const where = `target ${JSON.stringify(options.target)}`;
  if (options.target.length === 0) throw new ConfigError('mysql access: target name is empty');
  if (options.schemas.length === 0) throw new ConfigError(`${where}: no schema configured`);
  for (const schema of options.schemas) {
    if (schema.length === 0 || schema.length > 64 || schema.includes('\u0000')) {
      throw new ConfigError(`${where}: invalid schema name ${JSON.stringify(schema)}`);
    }
    if (SYSTEM_SCHEMAS.has(schema.toLowerCase())) {
      throw new ConfigError(`${where}: system schema ${JSON.stringify(schema)} can never be granted`);
    }
  }
  for (const pattern of options.protectedTables) {
    if (pattern.trim().length === 0) throw new ConfigError(`${where}: empty protected-table pattern`);
  }
  const privileges = {} as Record<Tier, readonly string[]>;
  for (const tier of TIERS) {
    const given = (options.privileges?.[tier] ?? DEFAULT_TIER_PRIVILEGES[tier]).map(normalisePrivilege);
    const refused = given.filter((p) => !ALLOWED.has(p));
    if (refused.length > 0) {
      throw new ConfigError(
        `${where}: tier ${tier} has privileges that cannot be granted: ${refused.join(', ')}`,
      );
    }
    privileges[tier] = [...new Set(given)];
  }
  return {
    pool: options.pool,
    target: options.target,
    schemas: [...new Set(options.schemas)],
    protectedTables: [...options.protectedTables],
    grantMode: options.grantMode ?? 'auto',
    privileges,
    kill: options.kill ?? 'kill',
    killRounds: options.killRounds ?? 10,
    killPauseMs: options.killPauseMs ?? 25,
    fullCheckIntervalMs: options.fullCheckIntervalMs ?? 5 * 60_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 15_000,
    now: options.now ?? Date.now,
  };
}
