/**
 * The world of the Slack end-to-end tests: the real server (`startServer`: Bolt over HTTP, local mode on
 * dynalite, MariaDB and loopback bastions) whose Web API calls go to the Slack stub, and signed senders.
 */
import { readFileSync } from 'node:fs';
import { roleNameFor } from '../../src/adapters/mysql/index.js';
import { teardownAccess } from '../../src/app/teardown-access.js';
import { parseConfig } from '../../src/config/config.js';
import type { DrawbridgeConfig, TargetConfig } from '../../src/config/config-types.js';
import type { RequesterLimits } from '../../src/domain/policy-types.js';
import type { Logger } from '../../src/domain/ports.js';
import { TIERS } from '../../src/domain/types.js';
import { type RunningServer, startServer } from '../../src/entry/serve.js';
import { createAdminPool, mysqlTestServer } from '../support/mysql-admin.js';
import type { SlackTarget } from '../support/slack-signer.js';
import { type SlackCall, type SlackStub, startSlackStub } from '../support/slack-stub.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
export const CHANNEL = 'C0APPROVALS';
export const REQUESTER = 'U0REQUESTER';
export const APPROVER_1 = 'U0APPROVER1';
export const APPROVER_2 = 'U0APPROVER2';
export const OUTSIDER = 'U0OUTSIDER';
export const NO_EMAIL = 'U0NOEMAIL';

/** Every log line the server wrote, for the no-secret-in-logs assertion. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  info = (m: string, f?: Record<string, unknown>) => void this.lines.push(JSON.stringify({ m, ...f }));
  warn = (m: string, f?: Record<string, unknown>) => void this.lines.push(JSON.stringify({ m, ...f }));
  error = (m: string, f?: Record<string, unknown>) => void this.lines.push(JSON.stringify({ m, ...f }));
}

export interface World {
  stub: SlackStub;
  server: RunningServer;
  app: SlackTarget;
  logger: CapturingLogger;
  target: string;
  schema: string;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Caps per requester (high by default: one requester runs every scenario of a file). */
  limits?: RequesterLimits;
  /** Bastion source network; each world file takes its own. */
  sourceNetwork?: string;
}

const HIGH_LIMITS: RequesterLimits = { maxPending: 20, maxLive: 20, maxPerHour: 50 };

function worldConfig(target: string, schema: string, options: WorldOptions): DrawbridgeConfig {
  const parsed = parseConfig(readFileSync('drawbridge.example.yaml', 'utf8'), 'example', {});
  if (!parsed.ok) throw new Error(parsed.error.message);
  const base = parsed.value.targets[0] as TargetConfig;
  const server = mysqlTestServer();
  const tiers = base.policy.tiers;
  return {
    ...parsed.value,
    store: { kind: 'dynalite' },
    bastion: { kind: 'local', sourceNetwork: options.sourceNetwork ?? '127.79.0.0/16', prefixLength: 16 },
    targets: [
      {
        ...base,
        name: target,
        schemas: [schema],
        approvalChannel: CHANNEL,
        database: {
          ...base.database,
          ...server.tcp,
          adminUser: server.admin.user ?? 'root',
          adminPassword: String(server.admin.password ?? ''),
          ...(server.admin.socketPath ? { socketPath: server.admin.socketPath } : {}),
        },
        policy: {
          ...base.policy,
          name: target,
          breakGlass: { allowed: [REQUESTER], minJustification: 20 },
          // DML requests in these tests expire quickly when nobody decides.
          tiers: Object.fromEntries(
            Object.entries({
              ...tiers,
              ...(tiers.DML ? { DML: { ...tiers.DML, approvalTimeoutSeconds: 2 } } : {}),
            }).map(([tier, p]) => [tier, { ...p, limits: options.limits ?? HIGH_LIMITS }]),
          ),
        },
      },
    ],
  };
}

export async function startWorld(name: string, options: WorldOptions = {}): Promise<World> {
  const target = `e2e-${name}`.slice(0, 24);
  const schema = `dbt_e2e_${name}_${process.pid}`;
  const admin = createAdminPool({ multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS ${schema}; CREATE DATABASE ${schema};
    CREATE TABLE ${schema}.orders (id INT PRIMARY KEY); INSERT INTO ${schema}.orders VALUES (1), (2), (3);
    CREATE TABLE ${schema}.secret_keys (id INT PRIMARY KEY);`);
  const stub = await startSlackStub();
  stub.users.register({ id: REQUESTER, name: 'Ada Lovelace', email: 'ada.lovelace@example.com' });
  stub.users.register({ id: APPROVER_1, name: 'Grace Hopper', email: 'grace.hopper@example.com' });
  stub.users.register({ id: APPROVER_2, name: 'Edgar Codd', email: 'edgar.codd@example.com' });
  stub.users.register({ id: OUTSIDER, name: 'Mallory', email: 'mallory@example.com' });
  stub.users.register({ id: NO_EMAIL, name: 'No Mail' });
  stub.groups.setGroup('S0DBAS', [APPROVER_1, APPROVER_2], 'dbas');
  const logger = new CapturingLogger();
  const server = await startServer(
    worldConfig(target, schema, options),
    {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-e2e',
      SLACK_API_URL: stub.url,
      PORT: 0,
      HOST: '127.0.0.1',
    },
    { logger, port: 0, host: '127.0.0.1' },
  );
  return {
    stub,
    server,
    app: { url: `http://127.0.0.1:${server.port}/slack/events`, signingSecret: SIGNING_SECRET },
    logger,
    target,
    schema,
    async close() {
      // Leave the shared MariaDB as found: end whatever access the tests left live.
      for (const state of ['active', 'warned', 'provisioning'] as const) {
        for (const r of await server.local.store.listByState(state))
          await teardownAccess(server.local.deps, r.id, 'system', 'test over');
      }
      await server.close();
      await stub.close();
      await admin.query(`DROP DATABASE IF EXISTS ${schema}`);
      for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(target, tier)}\``);
      await admin.end();
    },
  };
}

/** The JSON text of a recorded call's message (text + blocks / view), for searching. */
export const textOf = (call: SlackCall): string => JSON.stringify(call.args);

/** The buttons of a recorded message or view, by action id. */
export function buttons(call: SlackCall): Map<string, { value: string; blockId: string }> {
  const found = new Map<string, { value: string; blockId: string }>();
  const blocks = (call.args.blocks ??
    (call.args.view as { blocks?: unknown[] } | undefined)?.blocks ??
    []) as {
    block_id?: string;
    elements?: { type: string; action_id?: string; value?: string }[];
    accessory?: { type: string; action_id?: string; value?: string };
  }[];
  for (const block of blocks) {
    for (const el of [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])]) {
      if (el.type === 'button' && el.action_id)
        found.set(el.action_id, { value: el.value ?? '', blockId: block.block_id ?? '' });
    }
  }
  return found;
}
