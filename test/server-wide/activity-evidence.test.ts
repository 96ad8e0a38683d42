/**
 * What an access executed, from MariaDB's own server_audit log (the plugin ships with the server): two
 * concurrent accesses of the same person — a DDL one that runs SELECTs, an UPDATE and a CREATE TABLE, and a
 * READ one whose UPDATE is refused — each get exactly their own statements in their history, told apart by
 * the bastion address the account is pinned to. Installs the plugin and sets its global variables, so it
 * runs in the `server-wide` project, alone; everything is put back afterwards.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, roleNameFor } from '../../src/adapters/mysql/index.js';
import { keyFileSealKey } from '../../src/adapters/signing/key-file-signer.js';
import { revealCredentials } from '../../src/app/credentials.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { endAccess } from '../../src/app/end-access.js';
import { submitRequest } from '../../src/app/submit-request.js';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import { type ActivityEvidence, DEFAULT_ACTIVITY_OPTIONS } from '../../src/domain/activity.js';
import type { Notification } from '../../src/domain/ports.js';
import type { SealKey } from '../../src/domain/seal.js';
import { TIERS, type Tier } from '../../src/domain/types.js';
import { auditReader } from '../../src/entry/audit/audit-deps.js';
import { parseAuditOptions } from '../../src/entry/audit/audit-options.js';
import { runAudit } from '../../src/entry/audit/run-audit.js';
import { activityCheck } from '../../src/entry/doctor-checks/evidence-checks.js';
import { type LocalApp, startLocalApp } from '../../src/entry/local-app.js';
import { activityMessage } from '../../src/slack/blocks/activity-messages.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool, mysqlTestServer } from '../support/mysql-admin.js';

const SCHEMA = `dbt_activity_${process.pid}`;
const TARGET = `act${process.pid}`.slice(0, 20);
const admin = createAdminPool({ multipleStatements: true });
const silent = { info() {}, warn() {}, error() {} };
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-audit-'));
const auditFile = join(dir, 'server_audit.log');
const VARIABLES = [
  'server_audit_file_path',
  'server_audit_events',
  'server_audit_output_type',
  'server_audit_logging',
];
let saved: Record<string, string> = {};
let installedHere = false;

beforeAll(async () => {
  chmodSync(dir, 0o777); // the server writes the file as its own user
  const [plugins] = await admin.query<RowDataPacket[]>(
    "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'SERVER_AUDIT' AND PLUGIN_STATUS = 'ACTIVE'",
  );
  if (plugins.length === 0) {
    await admin.query("INSTALL SONAME 'server_audit'");
    installedHere = true;
  }
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME IN (${VARIABLES.map(() => '?').join(',')})`,
    VARIABLES.map((v) => v.toUpperCase()),
  );
  saved = Object.fromEntries(rows.map((r) => [String(r.name).toLowerCase(), String(r.value)]));
  await admin.query(`SET GLOBAL server_audit_file_path = ?`, [auditFile]);
  await admin.query("SET GLOBAL server_audit_events = 'CONNECT,QUERY_DDL,QUERY_DML,QUERY_DCL'");
  await admin.query("SET GLOBAL server_audit_output_type = 'file'");
  await admin.query('SET GLOBAL server_audit_logging = ON');
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY, state VARCHAR(20)); INSERT INTO ${SCHEMA}.orders VALUES (1, 'new'), (2, 'new');
    CREATE TABLE ${SCHEMA}.secret_tokens (id INT PRIMARY KEY);`);
});

afterAll(async () => {
  await admin.query('SET GLOBAL server_audit_logging = OFF');
  if (installedHere) await admin.query("UNINSTALL SONAME 'server_audit'");
  else {
    for (const name of VARIABLES.filter((v) => v !== 'server_audit_logging'))
      if (saved[name] !== undefined) await admin.query(`SET GLOBAL ${name} = ?`, [saved[name]]);
    await admin.query(
      `SET GLOBAL server_audit_logging = ${saved.server_audit_logging === 'ON' ? 'ON' : 'OFF'}`,
    );
  }
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

function config(): DrawbridgeConfig {
  const base = localTestConfig({ target: TARGET, schema: SCHEMA, sourceNetwork: '127.82.0.0/16' });
  return {
    ...base,
    history: { signing: { kind: 'key-file', path: join(dir, 'signing-key.pem') } },
    targets: base.targets.map((t) => ({
      ...t,
      activity: { kind: 'mariadb-audit', file: auditFile, options: DEFAULT_ACTIVITY_OPTIONS },
    })),
  };
}

async function activate(app: LocalApp, tier: Tier, approvers: string[]) {
  const submitted = await submitRequest(app.deps, {
    requesterId: 'U0REQUESTER',
    target: TARGET,
    tier,
    durationSeconds: 1200,
    reason: `activity ${tier}`,
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  for (const actor of approvers)
    await decideRequest(app.deps, { requestId: submitted.value.id, actor, verdict: 'approve' });
  await app.queue.drain();
  return submitted.value.id;
}

async function sessionOf(app: LocalApp, requestId: string) {
  const creds = await revealCredentials(app.deps, { requestId, actor: 'U0REQUESTER' });
  if (!creds.ok || creds.value.connect.kind !== 'local') throw new Error('no local credentials');
  return connectAs({
    ...creds.value.connect,
    user: creds.value.user,
    password: creds.value.password,
    database: SCHEMA,
  });
}

const evidenceOf = async (app: LocalApp, id: string) =>
  (await app.store.get(id))?.events.find((e) => e.type === 'activity-recorded')
    ?.details as ActivityEvidence & {
    summary: NonNullable<Extract<ActivityEvidence, { summary: unknown }>['summary']>;
  };

describe('activity evidence from MariaDB server_audit', () => {
  it('records exactly what each of two concurrent accesses of one person ran, apart by bastion address', async () => {
    const seen: Notification[] = [];
    const app = await startLocalApp(config(), {
      notifier: { notify: async (n) => void seen.push(n) },
      logger: silent,
    });
    try {
      const ddl = await activate(app, 'DDL', ['U0APPROVER1', 'U0APPROVER2']);
      const read = await activate(app, 'READ', ['U0APPROVER1']);
      const [ddlRequest, readRequest] = [await app.store.get(ddl), await app.store.get(read)];
      expect(ddlRequest?.state).toBe('active');
      expect(readRequest?.state).toBe('active');
      expect(ddlRequest?.account?.user).toBe(readRequest?.account?.user);
      expect(ddlRequest?.account?.host).not.toBe(readRequest?.account?.host);
      expect(ddlRequest?.activityFrom).toMatch(/^\d+:\d+$/);

      const builder = await sessionOf(app, ddl);
      const reader = await sessionOf(app, read);
      await builder.query('SELECT COUNT(*) FROM orders');
      await reader.query('SELECT 42');
      await builder.query("UPDATE orders SET state = 'shipped' WHERE id = 1");
      await expect(reader.query("UPDATE orders SET state = 'lost' WHERE id = 2")).rejects.toThrow(/denied/);
      await builder.query('CREATE TABLE scratch (i INT)');
      await builder.query('SHOW TABLES');
      builder.destroy();
      reader.destroy();

      for (const id of [ddl, read]) {
        expect((await endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' })).ok).toBe(true);
        await app.queue.drain();
      }

      const built = await evidenceOf(app, ddl);
      expect(built.source).toBe(`mariadb-audit ${auditFile}`);
      expect(built.summary.changes.map((c) => [c.kind, c.statement])).toEqual([
        ['write', "UPDATE orders SET state = 'shipped' WHERE id = 1"],
        ['ddl', 'CREATE TABLE scratch (i INT)'],
      ]);
      // SHOW TABLES is none of CONNECT, QUERY_DDL, QUERY_DML, QUERY_DCL: the plugin does not log it.
      expect(built.summary.statements).toMatchObject({ read: 1, write: 1, ddl: 1 });
      expect(built.summary.failures).toEqual([]);
      expect(built.summary.connections).toBeGreaterThanOrEqual(1);

      const readOnly = await evidenceOf(app, read);
      expect(readOnly.summary.changes).toEqual([
        expect.objectContaining({
          kind: 'write',
          statement: "UPDATE orders SET state = 'lost' WHERE id = 2",
          error: 1142,
        }),
      ]);
      expect(readOnly.summary.statements).toMatchObject({ read: 1, write: 1, ddl: 0 });
      expect(JSON.stringify(readOnly)).not.toContain('scratch');

      // The thread post names the writes and DDL, and nothing of the other access.
      const posts = seen.filter(
        (n): n is Extract<Notification, { kind: 'activity' }> => n.kind === 'activity',
      );
      expect(posts.map((p) => p.request.id).sort()).toEqual([ddl, read].sort());
      const post = posts.find((p) => p.request.id === ddl);
      const text = JSON.stringify(post && activityMessage(post.request, post.evidence));
      expect(text).toContain("UPDATE orders SET state = 'shipped' WHERE id = 1");
      expect(text).toContain('CREATE TABLE scratch (i INT)');
      expect(text).not.toContain('lost');

      // `drawbridge audit --request` tells the same, and the signed history verifies.
      const parsed = parseAuditOptions({ request: ddl, verify: true }, new Date());
      if (!parsed.ok) throw new Error(parsed.message);
      const audited = await runAudit(parsed.value, {
        store: { get: (id) => app.store.get(id), listAll: async () => [] },
        source: 'the test store',
        now: new Date(),
        keys: [keyFileSealKey(join(dir, 'signing-key.pem')) as SealKey],
        witness: [],
        granted: () => undefined,
        readActivity: async () => undefined,
        writeReport: async () => undefined,
      });
      expect(audited.code).toBe(0);
      expect(audited.stdout).toContain("UPDATE orders SET state = 'shipped' WHERE id = 1");
      expect(audited.stdout).toContain('CREATE TABLE scratch (i INT)');
      expect(audited.stdout).not.toContain('lost');
      expect(audited.stdout).toContain('chain intact; signature valid');

      // `--activity` reads the same records again from the file, now, without writing anything.
      const audit = auditReader(config());
      try {
        const ended = await app.store.get(ddl);
        const now = ended && (await audit.readActivity(ended));
        expect(now && 'summary' in now ? now.summary.changes : undefined).toEqual(built.summary.changes);
        expect((await app.store.get(ddl))?.version).toBe(ended?.version);
      } finally {
        await audit.close();
      }
    } finally {
      await app.close();
    }
  });

  it('records what a run executed as it does for a session, attributed to the run account', async () => {
    const app = await startLocalApp(config(), {
      notifier: { notify: async () => undefined },
      logger: silent,
    });
    try {
      const submitted = await submitRequest(app.deps, {
        requesterId: 'U0REQUESTER',
        target: TARGET,
        tier: 'DML',
        durationSeconds: 0,
        reason: 'a run',
        run: { sql: "UPDATE orders SET state = 'run' WHERE id = 2", expectedRows: 1 },
      });
      if (!submitted.ok) throw new Error(submitted.error.message);
      await decideRequest(app.deps, {
        requestId: submitted.value.id,
        actor: 'U0APPROVER1',
        verdict: 'approve',
        sqlSha256: submitted.value.run?.sha256,
      });
      await app.queue.drain();
      const ended = await app.store.get(submitted.value.id);
      expect(ended?.runResult?.outcome).toBe('committed');
      expect(ended?.events.map((e) => e.type).slice(-2)).toEqual(['run-finished', 'activity-recorded']);
      const evidence = await evidenceOf(app, submitted.value.id);
      expect(evidence.summary.changes.map((c) => c.statement)).toEqual([
        "UPDATE orders SET state = 'run' WHERE id = 2",
      ]);
    } finally {
      await app.close();
    }
  });

  it('doctor: says the source is on and readable, what it cuts, and what is wrong when it is not', async () => {
    const target = config().targets[0];
    if (!target) throw new Error('no target');
    const deps = { mysqlAdmin: async () => mysql.createConnection(mysqlTestServer().admin) };
    const ok = await activityCheck(target, config(), deps);
    expect(ok.status).toBe('warn');
    expect(ok.detail).toContain(
      `server_audit logs CONNECT,QUERY_DDL,QUERY_DML,QUERY_DCL to ${auditFile}, readable`,
    );
    expect(ok.detail).toContain('statements are cut at 1024 bytes (server_audit_query_log_limit)');

    const elsewhere = {
      ...target,
      activity: { ...target.activity, file: join(dir, 'other.log') },
    } as typeof target;
    const wrongFile = await activityCheck(elsewhere, config(), deps);
    expect(wrongFile.status).toBe('fail');
    expect(wrongFile.detail).toContain(`the server writes ${auditFile}, not ${join(dir, 'other.log')}`);

    await admin.query("SET GLOBAL server_audit_events = 'CONNECT'");
    await admin.query('SET GLOBAL server_audit_logging = OFF');
    try {
      const off = await activityCheck(target, config(), deps);
      expect(off.status).toBe('fail');
      expect(off.detail).toContain(
        'server_audit_logging is OFF; server_audit_events leaves out QUERY_DDL, QUERY_DML, QUERY_DCL',
      );
    } finally {
      await admin.query("SET GLOBAL server_audit_events = 'CONNECT,QUERY_DDL,QUERY_DML,QUERY_DCL'");
      await admin.query('SET GLOBAL server_audit_logging = ON');
    }
  });
});
