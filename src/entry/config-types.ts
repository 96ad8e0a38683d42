/**
 * The parsed, validated configuration (see drawbridge.example.yaml for the file it comes from).
 * Durations are in seconds; every default is filled in, so consumers never decide a default themselves.
 */
import type { LifecycleTimings, TargetPolicy } from '../domain/policy-types.js';

export interface DrawbridgeConfig {
  /** `local` runs everything but Slack in one process; `aws` is added later under the same discriminant. */
  mode: 'local';
  store: StoreConfig;
  lifecycle: LifecycleTimings;
  bastion: BastionConfig;
  slack: SlackConfig;
  directory: DirectoryConfig;
  targets: TargetConfig[];
}

/** dynalite in-process (in memory without `path`, on disk with it), or a real DynamoDB table. */
export type StoreConfig =
  | { kind: 'dynalite'; path?: string }
  | { kind: 'dynamodb'; table: string; region?: string; endpoint?: string };

export interface BastionConfig {
  kind: 'local';
  /** Loopback network (CIDR) the local bastions take their source addresses from, e.g. `127.77.0.0/16`. */
  sourceNetwork: string;
  prefixLength: 16 | 24;
}

export interface SlackConfig {
  /** The slash command, `/bastion` unless configured. */
  command: string;
}

/** Who is who without Slack (local mode, the demo). */
export interface DirectoryConfig {
  users: DirectoryUserConfig[];
}

export interface DirectoryUserConfig {
  id: string;
  email: string;
  name?: string;
  /** User-group ids (`S…`) the user belongs to. */
  groups: string[];
}

/** `roles` where the server has them, `direct` per-table grants otherwise; `auto` asks the server. */
export type GrantMode = 'auto' | 'roles' | 'direct';
/** `KILL <id>` on MySQL/MariaDB, `CALL mysql.rds_kill(<id>)` on RDS/Aurora. */
export type KillMethod = 'kill' | 'rds_kill';

export interface DatabaseConfig {
  host: string;
  port: number;
  adminUser: string;
  /** Secret: never log it or put it in a message. */
  adminPassword: string;
  socketPath?: string;
  tls: boolean;
}

export interface TargetConfig {
  name: string;
  description: string;
  database: DatabaseConfig;
  schemas: string[];
  /** Table name patterns (`*` any run of characters, `?` one character) never granted. */
  protectedTables: string[];
  grantMode: GrantMode;
  kill: KillMethod;
  /** Slack channel id (`C…`/`G…`) of the approval messages; optional in local mode. */
  approvalChannel?: string;
  /** Break-glass and one policy per offered tier (a tier absent from the config is not offered). */
  policy: TargetPolicy;
}

export interface ConfigError {
  code: 'invalid_config';
  /** Every problem found, one per line, each starting with the key path. */
  message: string;
}
