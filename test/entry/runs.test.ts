/**
 * Runs on real parts: local mode (dynalite, the in-process worker) against MariaDB. Each run gets its own
 * account pinned to a loopback source address and holding the tier's grants, and that account is gone
 * afterwards whatever happened: a DML committed when the rows match and rolled back when they do not, a DDL
 * batch stopped at its failing statement, an export of 100,000 rows read back and compared.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderExportDelivery } from '../../src/adapters/local/folder-export-delivery.js';
import { roleNameFor } from '../../src/adapters/mysql/index.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { submitRequest } from '../../src/app/submit-request.js';
import type { Notification } from '../../src/domain/ports.js';
import { TIERS, type Tier } from '../../src/domain/types.js';
import { type LocalApp, startLocalApp } from '../../src/entry/local-app.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool } from '../support/mysql-admin.js';

const SCHEMA = `dbt_runs_${process.pid}`;
const TARGET = `run${process.pid}`.slice(0, 20);
const admin = createAdminPool({ multipleStatements: true });
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-runs-test-'));
const seen: Notification[] = [];
let app: LocalApp;

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY, state VARCHAR(20));
    INSERT INTO ${SCHEMA}.orders VALUES (1, 'new'), (2, 'new'), (3, 'new'), (4, 'paid');
    CREATE TABLE ${SCHEMA}.big (id INT PRIMARY KEY, note VARCHAR(40), amount DECIMAL(10,2), seen DATETIME);
    INSERT INTO ${SCHEMA}.big SELECT seq, CONCAT('note "', seq, '", with, commas'), seq / 100, '2026-12-04 10:00:00' FROM ${SCHEMA}.seq_1_to_100000;
    CREATE TABLE ${SCHEMA}.secret_tokens (id INT PRIMARY KEY);`);
  app = await startLocalApp(
    localTestConfig({ target: TARGET, schema: SCHEMA, sourceNetwork: '127.81.0.0/16' }),
    {
      notifier: { notify: async (n) => void seen.push(n) },
      exports: new FolderExportDelivery(dir),
      logger: { info() {}, warn() {}, error() {} },
    },
  );
}, 60_000);

afterAll(async () => {
  await app?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

async function run(tier: Tier, sql: string, extra: { expectedRows?: number; format?: 'csv' | 'tsv' } = {}) {
  const submitted = await submitRequest(app.deps, {
    requesterId: 'U0REQUESTER',
    target: TARGET,
    tier,
    durationSeconds: 0,
    reason: 'run test',
    run: { sql, ...extra },
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  const sha = submitted.value.run?.sha256;
  for (const actor of tier === 'DDL' ? ['U0APPROVER1', 'U0APPROVER2'] : ['U0APPROVER1'])
    expect(
      (
        await decideRequest(app.deps, {
          requestId: submitted.value.id,
          actor,
          verdict: 'approve',
          sqlSha256: sha,
        })
      ).ok,
    ).toBe(true);
  await app.queue.drain();
  const ended = await app.store.get(submitted.value.id);
  // The run's account, whatever happened, is gone.
  const [accounts] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [
    ended?.account?.user,
    ended?.account?.host,
  ]);
  expect((accounts as { n: number }[])[0]?.n).toBe(0);
  return ended;
}

const states = async () => {
  const [rows] = await admin.query(`SELECT id, state FROM ${SCHEMA}.orders ORDER BY id`);
  return (rows as { id: number; state: string }[]).map((r) => `${r.id}:${r.state}`);
};

describe('runs on MariaDB', () => {
  it('commits a DML whose rows match, as an account pinned to a loopback address of its own', async () => {
    const ended = await run('DML', "UPDATE orders SET state = 'shipped' WHERE state = 'new'", {
      expectedRows: 3,
    });
    expect(ended?.state).toBe('ended');
    expect(ended?.account?.host).toMatch(/^127\.81\./);
    expect(ended?.runResult).toMatchObject({
      outcome: 'committed',
      statements: [{ kind: 'update', rows: 3 }],
    });
    expect(await states()).toEqual(['1:shipped', '2:shipped', '3:shipped', '4:paid']);
    const told = seen.find((n) => n.kind === 'run-finished' && n.request.id === ended?.id);
    expect(told).toBeDefined();
  });

  it('rolls a DML back when the rows differ from the expected count, and says so', async () => {
    const ended = await run(
      'DML',
      "UPDATE orders SET state = 'lost' WHERE id <= 2; DELETE FROM orders WHERE id = 4",
      { expectedRows: 2 },
    );
    expect(ended?.runResult).toMatchObject({
      outcome: 'rolled-back',
      message: '3 row(s) would have changed, 2 were expected: rolled back, nothing changed',
    });
    expect(await states()).toEqual(['1:shipped', '2:shipped', '3:shipped', '4:paid']);
  });

  it('stops a DDL batch at the failing statement and says what ran and what did not', async () => {
    const ended = await run(
      'DDL',
      'CREATE TABLE made (i INT); ALTER TABLE missing ADD COLUMN c INT; CREATE TABLE never (i INT)',
    );
    expect(ended?.runResult?.outcome).toBe('stopped');
    expect(ended?.runResult?.message).toBe(
      'statement 2 failed; 1 ran before it (each committed), 1 did not run',
    );
    expect(ended?.runResult?.statements.map((s) => [s.kind, s.error === undefined])).toEqual([
      ['create table', true],
      ['alter table', false],
    ]);
    const [tables] = await admin.query(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?)',
      [SCHEMA, 'made', 'never'],
    );
    expect((tables as { t: string }[]).map((r) => r.t)).toEqual(['made']);
  });

  it('exports 100,000 rows as CSV, gzipped, that read back as the table', async () => {
    const ended = await run('READ', 'SELECT id, note, amount, seen FROM big ORDER BY id');
    const file = ended?.runResult?.export;
    expect(file).toMatchObject({ rows: 100_000, gzip: true, deliveredTo: 'folder' });
    const text = gunzipSync(readFileSync(join(dir, file?.name ?? ''))).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,note,amount,seen');
    expect(lines).toHaveLength(100_002); // header, the rows, and the final empty line after the last CRLF
    expect(lines[1]).toBe('1,"note ""1"", with, commas",0.01,2026-12-04 10:00:00');
    const [sum] = await admin.query(`SELECT SUM(id) AS s FROM ${SCHEMA}.big`);
    const ids = lines.slice(1, -1).reduce((s, l) => s + Number(l.slice(0, l.indexOf(','))), 0);
    expect(ids).toBe(Number((sum as { s: string }[])[0]?.s));
  }, 60_000);

  it('refuses a protected table before anything is posted, and never runs a statement outside the tier', async () => {
    const refused = await submitRequest(app.deps, {
      requesterId: 'U0REQUESTER',
      target: TARGET,
      tier: 'READ',
      durationSeconds: 0,
      reason: 'x',
      run: { sql: 'SELECT * FROM orders o JOIN secret_tokens s ON s.id = o.id' },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'sql_refused' });
  });
});
