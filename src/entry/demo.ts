/**
 * `npm run demo`: the whole lifecycle in local mode against the local MariaDB, narrated, every claim checked.
 * Exit 0 only if every check held. See README "The demo".
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { ConsoleNotifier } from '../adapters/console/console-notifier.js';
import { FolderExportDelivery } from '../adapters/local/folder-export-delivery.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { connectAs, roleNameFor } from '../adapters/mysql/index.js';
import { keyFileSealKey } from '../adapters/signing/key-file-signer.js';
import { revealCredentials } from '../app/credentials.js';
import { decideRequest } from '../app/decide-request.js';
import { submitRequest } from '../app/submit-request.js';
import { loadConfig } from '../config/config.js';
import type { DrawbridgeConfig, TargetConfig } from '../config/config-types.js';
import { DEFAULT_ACTIVITY_OPTIONS, hasSummary } from '../domain/activity.js';
import { connectCommand } from '../domain/connection.js';
import type { Notification } from '../domain/ports.js';
import { checkHistory } from '../domain/seal.js';
import { TIERS } from '../domain/types.js';
import { startLocalApp } from './local-app.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DURATION_SECONDS = 16;
/** `npm run demo -- --keep` leaves the demo schema (not any account) for trying the Slack app. */
const KEEP_SCHEMA = process.argv.includes('--keep');
const WARN_BEFORE_SECONDS = 8;
const REQUESTER = 'U0REQUESTER';
const APPROVER = 'U0APPROVER1';

const say = (line: string) => process.stdout.write(`${line}\n`);
let failures = 0;
function check(ok: boolean, what: string): void {
  say(`  ${ok ? '✓' : '✗'} ${what}`);
  if (!ok) failures++;
}

/** Records what Slack would receive, prints it, and lets the narration wait for a given message. */
class Narrator extends ConsoleNotifier {
  readonly seen: Notification[] = [];
  private waiters: { kind: Notification['kind']; resolve: (n: Notification) => void }[] = [];
  override async notify(n: Notification): Promise<void> {
    await super.notify(n);
    this.seen.push(n);
    for (const w of this.waiters.filter((w) => w.kind === n.kind)) w.resolve(n);
    this.waiters = this.waiters.filter((w) => w.kind !== n.kind);
  }
  next(kind: Notification['kind'], timeoutMs: number): Promise<Notification | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      this.waiters.push({
        kind,
        resolve: (n) => {
          clearTimeout(timer);
          resolve(n);
        },
      });
    });
  }
}

async function main(): Promise<void> {
  const path = process.env.DRAWBRIDGE_CONFIG ?? 'drawbridge.example.yaml';
  const loaded = await loadConfig(path);
  const scratch = mkdtempSync(join(tmpdir(), 'drawbridge-demo-'));
  // Short timings so the demo ends in well under a minute; an in-memory store and a signing key in a
  // scratch directory, so it leaves no files.
  const signingKey = join(scratch, 'history-signing-key.pem');
  let config: DrawbridgeConfig = {
    ...loaded,
    store: { kind: 'dynalite' },
    lifecycle: { ...loaded.lifecycle, warnBeforeSeconds: WARN_BEFORE_SECONDS },
    history: { signing: { kind: 'key-file', path: signingKey } },
  };
  let target = config.targets[0] as TargetConfig;
  say(
    `Drawbridge demo — target "${target.name}" (${target.database.host}:${target.database.port}), config ${path}\n`,
  );

  say('1. The platform team’s database: a demo schema with a protected table');
  const admin = await mysql.createConnection({
    ...(target.database.socketPath
      ? { socketPath: target.database.socketPath }
      : { host: target.database.host, port: target.database.port }),
    user: target.database.adminUser,
    password: target.database.adminPassword,
    multipleStatements: true,
  });
  const schema = target.schemas[0] as string;
  await createDemoSchema(admin, schema);
  say(
    `  created \`${schema}\`: customers, orders, products and secret_api_keys (protected by "${target.protectedTables.join(', ')}")`,
  );
  const audit = await auditLogForDemo(admin, scratch);
  say(`  the server's own audit log (server_audit): ${audit.note}`);
  if (audit.file) {
    target = {
      ...target,
      activity: { kind: 'mariadb-audit', file: audit.file, options: DEFAULT_ACTIVITY_OPTIONS },
    };
    config = { ...config, targets: [target, ...config.targets.slice(1)] };
  }

  const narrator = new Narrator();
  const app = await startLocalApp(config, {
    notifier: narrator,
    exports: new FolderExportDelivery(join(scratch, 'exports')),
    logger: createLogger({ level: 'warn' }),
  });
  const { deps } = app;
  try {
    say(
      `\n2. ${REQUESTER} asks: /bastion request ${target.name} READ ${DURATION_SECONDS}s investigate order 42`,
    );
    const submitted = await submitRequest(deps, {
      requesterId: REQUESTER,
      target: target.name,
      tier: 'READ',
      durationSeconds: DURATION_SECONDS,
      reason: 'investigate order 42',
    });
    if (!submitted.ok) throw new Error(`request refused: ${submitted.error.message}`);
    const id = submitted.value.id;
    check(submitted.value.state === 'requested', `request ${id} recorded, waiting for approval`);

    say(`\n3. The requester cannot approve their own request; ${APPROVER} approves`);
    const self = await decideRequest(deps, { requestId: id, actor: REQUESTER, verdict: 'approve' });
    check(
      !self.ok && self.error.code === 'self_approval',
      `self-approval refused: "${self.ok ? '' : self.error.message}"`,
    );
    const started = performance.now();
    const approved = await decideRequest(deps, { requestId: id, actor: APPROVER, verdict: 'approve' });
    check(approved.ok && approved.value.state === 'approved', 'approved');
    await app.queue.drain();
    const active = await deps.store.get(id);
    check(
      active?.state === 'active',
      `active ${(performance.now() - started).toFixed(0)} ms after the click: bastion up, account created, schedules armed`,
    );
    if (!active?.bastion || !active.account) throw new Error('no bastion or account on the active request');
    const { connect } = active.bastion;
    if (connect.kind !== 'local') throw new Error('expected a local bastion');
    say(
      `  bastion ${active.bastion.id}: 127.0.0.1:${connect.port} → ${target.database.host}:${target.database.port} from ${active.bastion.sourceIp}`,
    );
    say(
      `  account \`${active.account.user}\`@\`${active.account.host}\` — connect with: ${connectCommand(connect, active.account.user)}`,
    );

    say(
      '\n4. Show credentials issues a fresh password (never stored, never in a message); connect through the bastion',
    );
    const creds = await revealCredentials(deps, { requestId: id, actor: REQUESTER });
    if (!creds.ok) throw new Error(creds.error.message);
    const password = creds.value.password;
    check(
      !JSON.stringify([narrator.seen, await deps.store.get(id)]).includes(password),
      'the password appears in no message and not in the store',
    );
    const session = await connectAs({
      host: connect.host,
      port: connect.port,
      user: active.account.user,
      password,
      database: schema,
    });
    const [rows] = await session.query('SELECT COUNT(*) AS n FROM customers');
    check((rows as { n: number }[])[0]?.n === 3, 'SELECT on customers works (3 rows)');
    check(
      await refused(session, 'SELECT * FROM secret_api_keys'),
      'SELECT on secret_api_keys is refused (protected table)',
    );
    check(
      await refused(session, "INSERT INTO customers (name, email) VALUES ('eve', 'eve@example.com')"),
      'INSERT is refused (out of the READ tier)',
    );
    check(
      await loginFails({
        host: target.database.host,
        port: target.database.port,
        user: active.account.user,
        password,
      }),
      'the same account is refused when it connects directly, not through its bastion',
    );

    say(`\n5. The warning comes ${WARN_BEFORE_SECONDS}s before expiry (10 minutes in production)`);
    const warning = await narrator.next('warning', DURATION_SECONDS * 1000 + 5000);
    check(warning !== undefined, 'warning sent with Extend and End now');

    say('\n6. Expiry: the scheduler tears everything down while the session is still open');
    const ended = await narrator.next('ended', DURATION_SECONDS * 1000 + 10_000);
    check(ended !== undefined, 'teardown ran');
    check(await refused(session, 'SELECT COUNT(*) FROM customers'), 'the open session was cut');
    await session.destroy();
    check(
      await loginFails({ host: connect.host, port: connect.port, user: active.account.user, password }),
      'a new login through the old bastion port fails',
    );
    const [accounts] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [
      active.account.user,
      active.account.host,
    ]);
    check(
      (accounts as { n: number }[])[0]?.n === 0,
      `the account \`${active.account.user}\`@\`${active.account.host}\` is gone from the server`,
    );
    check((await deps.bastions.list()).length === 0, 'no bastion is left');
    check(app.scheduler.pending().length === 0, 'no schedule is left');

    say(
      "\n7. What the access executed, from the server's audit log, recorded in its history and posted to the thread",
    );
    const activity = audit.file ? await narrator.next('activity', 10_000) : undefined;
    const evidence = activity?.kind === 'activity' ? activity.evidence : undefined;
    if (!audit.file) say('  (skipped: no audit log to read — see "For security reviewers" in the README)');
    else if (evidence && hasSummary(evidence)) {
      const s = evidence.summary;
      check(
        s.statements.read >= 2 && s.statements.write === 1,
        'the SELECTs and the refused INSERT are counted',
      );
      check(
        s.changes.some((c) => c.statement.startsWith('INSERT INTO customers') && c.error === 1142),
        'the refused INSERT is listed with its error',
      );
    } else
      check(
        false,
        `activity recorded (${evidence && !hasSummary(evidence) ? evidence.unavailable : 'nothing arrived'})`,
      );

    say('\n8. The approval log, as `drawbridge audit --request` shows it');
    const final = await deps.store.get(id);
    check(final?.state === 'ended', `request ${id} is ended`);
    for (const e of final?.events ?? [])
      say(`  ${e.at}  ${e.actor.padEnd(11)} ${e.from} → ${e.to}  ${e.type}`);
    const key = keyFileSealKey(signingKey);
    const verified = final && key ? checkHistory(final, [key]) : undefined;
    check(
      verified?.ok === true,
      `the history's hash chain is intact and its head signed (${key?.keyId ?? 'no key'})`,
    );

    say('\n9. /bastion run: Drawbridge runs approved SQL itself — no bastion, an account for the run only');
    const exported = await runOnce(
      app,
      target.name,
      'READ',
      'SELECT id, name, email FROM customers ORDER BY id',
      {},
    );
    const file = exported?.runResult?.export;
    check(
      exported?.runResult?.outcome === 'exported' && file?.rows === 3,
      `the SELECT came back as a file: ${file?.rows ?? 0} rows, ${file?.bytes ?? 0} bytes`,
    );
    if (file) {
      const path = join(scratch, 'exports', file.name);
      say(`  ${path}:`);
      for (const line of readFileSync(path, 'utf8').trimEnd().split('\r\n')) say(`    ${line}`);
    }
    const guarded = await runOnce(
      app,
      target.name,
      'DML',
      "UPDATE customers SET email = 'nobody@example.com' WHERE id <= 2",
      {
        expectedRows: 1,
      },
    );
    check(
      guarded?.runResult?.outcome === 'rolled-back',
      `a DML changing 2 rows when 1 was expected: ${guarded?.runResult?.message ?? 'no result'}`,
    );
    const committed = await runOnce(
      app,
      target.name,
      'DML',
      "UPDATE customers SET email = 'ada@lovelace.example' WHERE id = 1",
      {
        expectedRows: 1,
      },
    );
    check(
      committed?.runResult?.outcome === 'committed',
      `the same with 1 row: ${committed?.runResult?.message ?? 'no result'}`,
    );
    const refusedRun = await submitRequest(deps, {
      requesterId: REQUESTER,
      target: target.name,
      tier: 'READ',
      durationSeconds: 0,
      reason: 'demo',
      run: { sql: 'SELECT * FROM secret_api_keys' },
    });
    check(
      !refusedRun.ok && refusedRun.error.code === 'sql_refused',
      `a SELECT on a protected table is refused before anyone is asked: "${refusedRun.ok ? '' : refusedRun.error.message}"`,
    );
    const runHosts = [exported, guarded, committed].map((r) => r?.account?.host ?? '');
    const [runAccounts] = await admin.query(
      'SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host IN (?)',
      [active.account.user, runHosts],
    );
    check(
      (runAccounts as { n: number }[])[0]?.n === 0,
      `each run's account (${runHosts.map((h) => `\`${active.account?.user}\`@\`${h}\``).join(', ')}) is gone`,
    );
  } finally {
    await app.close();
    await audit.restore();
    rmSync(scratch, { recursive: true, force: true });
    if (KEEP_SCHEMA) say(`\n(--keep: \`${schema}\` stays for you to try the Slack app against)`);
    else await dropDemoSchema(admin, schema, target.name);
    await admin.end();
  }
}

/**
 * The server's audit log for the demo: the one server_audit already writes to a file, or — for the demo's
 * length only, then put back — the plugin switched on into a scratch file.
 */
async function auditLogForDemo(
  admin: mysql.Connection,
  scratch: string,
): Promise<{ file?: string; note: string; restore(): Promise<void> }> {
  const nothing = async () => undefined;
  try {
    const [rows] = await admin.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name LIKE 'server\\_audit\\_%' OR Variable_name = 'datadir'",
    );
    const vars = new Map(
      (rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]),
    );
    const events = (vars.get('server_audit_events') ?? '').toUpperCase();
    if (
      vars.get('server_audit_logging') === 'ON' &&
      vars.get('server_audit_output_type') === 'file' &&
      (events === '' || ['CONNECT', 'QUERY_DML'].every((e) => events.includes(e)))
    ) {
      const written = vars.get('server_audit_file_path') || 'server_audit.log';
      const file = isAbsolute(written) ? written : join(vars.get('datadir') ?? '', written);
      return { file, note: `already on, read from ${file}`, restore: nothing };
    }
    const installed = vars.has('server_audit_logging');
    if (!installed) await admin.query("INSTALL SONAME 'server_audit'");
    const saved = [
      'server_audit_file_path',
      'server_audit_events',
      'server_audit_output_type',
      'server_audit_logging',
    ]
      .filter((name) => vars.has(name))
      .map((name) => [name, vars.get(name) as string] as const);
    chmodSync(scratch, 0o777); // the server writes the file as its own user
    const file = join(scratch, 'server_audit.log');
    await admin.query('SET GLOBAL server_audit_file_path = ?', [file]);
    await admin.query("SET GLOBAL server_audit_events = 'CONNECT,QUERY_DDL,QUERY_DML,QUERY_DCL'");
    await admin.query("SET GLOBAL server_audit_output_type = 'file'");
    await admin.query('SET GLOBAL server_audit_logging = ON');
    return {
      file,
      note: `switched on for the demo into ${file}; put back afterwards`,
      async restore() {
        await admin.query('SET GLOBAL server_audit_logging = OFF');
        if (!installed) await admin.query("UNINSTALL SONAME 'server_audit'");
        else for (const [name, value] of saved) await admin.query(`SET GLOBAL ${name} = ?`, [value]);
      },
    };
  } catch (e) {
    return { note: `not available (${e instanceof Error ? e.message : String(e)})`, restore: nothing };
  }
}

/** Submit a run, approve it (with the SQL's hash, as the button does) and wait for its outcome. */
async function runOnce(
  app: Awaited<ReturnType<typeof startLocalApp>>,
  target: string,
  tier: 'READ' | 'DML',
  sql: string,
  extra: { expectedRows?: number },
) {
  say(
    `  ${REQUESTER} asks to run (${tier}): ${sql}${extra.expectedRows === undefined ? '' : ` — expecting ${extra.expectedRows} row(s)`}`,
  );
  const submitted = await submitRequest(app.deps, {
    requesterId: REQUESTER,
    target,
    tier,
    durationSeconds: 0,
    reason: 'demo run',
    run: { sql, ...extra },
  });
  if (!submitted.ok) throw new Error(`run refused: ${submitted.error.message}`);
  await decideRequest(app.deps, {
    requestId: submitted.value.id,
    actor: APPROVER,
    verdict: 'approve',
    sqlSha256: submitted.value.run?.sha256,
  });
  await app.queue.drain();
  return app.deps.store.get(submitted.value.id);
}

async function refused(session: mysql.Connection, sql: string): Promise<boolean> {
  try {
    await session.query(sql);
    return false;
  } catch {
    return true;
  }
}

async function loginFails(options: {
  host: string;
  port: number;
  user: string;
  password: string;
}): Promise<boolean> {
  try {
    const c = await connectAs({ ...options, connectTimeoutMs: 2000 });
    await c.end();
    return false;
  } catch {
    return true;
  }
}

async function createDemoSchema(admin: mysql.Connection, schema: string): Promise<void> {
  const s = `\`${schema.replaceAll('`', '``')}\``;
  await admin.query(`
    DROP DATABASE IF EXISTS ${s}; CREATE DATABASE ${s};
    CREATE TABLE ${s}.customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100));
    CREATE TABLE ${s}.orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT, total DECIMAL(10,2));
    CREATE TABLE ${s}.products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50));
    CREATE TABLE ${s}.secret_api_keys (id INT AUTO_INCREMENT PRIMARY KEY, api_key VARCHAR(64));
    INSERT INTO ${s}.customers (name, email) VALUES ('ada', 'ada@example.com'), ('grace', 'grace@example.com'), ('edgar', 'edgar@example.com');
    INSERT INTO ${s}.orders (customer_id, total) VALUES (1, 42.00);
    INSERT INTO ${s}.secret_api_keys (api_key) VALUES ('sk_live_do_not_leak');`);
}

/** The demo leaves the server as it found it: its schema and the target's roles go. */
async function dropDemoSchema(admin: mysql.Connection, schema: string, target: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${schema.replaceAll('`', '``')}\``);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(target, tier)}\``);
}

try {
  await main();
} catch (e) {
  failures++;
  say(`\n✗ demo stopped: ${e instanceof Error ? e.message : String(e)}`);
}
say(failures === 0 ? '\nEvery check held.' : `\n${failures} check(s) failed.`);
process.exit(failures === 0 ? 0 : 1);
