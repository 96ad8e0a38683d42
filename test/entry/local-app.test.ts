import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, roleNameFor } from '../../src/adapters/mysql/index.js';
import { revealCredentials } from '../../src/app/credentials.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { endAccess } from '../../src/app/end-access.js';
import { submitRequest } from '../../src/app/submit-request.js';
import type { DrawbridgeConfig } from '../../src/config/config-types.js';
import type { Notification } from '../../src/domain/ports.js';
import { TIERS } from '../../src/domain/types.js';
import { startLocalApp } from '../../src/entry/local-app.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool } from '../support/mysql-admin.js';

const SCHEMA = `dbt_local_${process.pid}`;
const TARGET = `it${process.pid}`.slice(0, 20);
const admin = createAdminPool({ multipleStatements: true });
const silent = { info() {}, warn() {}, error() {} };

const config = (storePath?: string): DrawbridgeConfig =>
  localTestConfig({ target: TARGET, schema: SCHEMA, sourceNetwork: '127.78.0.0/16', storePath });

class Recorder {
  readonly seen: Notification[] = [];
  async notify(n: Notification) {
    this.seen.push(n);
  }
}

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY); INSERT INTO ${SCHEMA}.orders VALUES (1), (2);
    CREATE TABLE ${SCHEMA}.secret_tokens (id INT PRIMARY KEY);`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
});

async function activate(app: Awaited<ReturnType<typeof startLocalApp>>, tier: 'READ' | 'DML' = 'READ') {
  const submitted = await submitRequest(app.deps, {
    requesterId: 'U0REQUESTER',
    target: TARGET,
    tier,
    // Longer than the 10-minute warning, so that the warning does not fire while the test looks.
    durationSeconds: 1200,
    reason: 'it',
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  await decideRequest(app.deps, { requestId: submitted.value.id, actor: 'U0APPROVER1', verdict: 'approve' });
  await app.queue.drain();
  return submitted.value.id;
}

describe('local mode on real parts (dynalite, MariaDB, loopback bastion)', () => {
  it('approve → active → connect through the bastion → End now cuts the live session and drops the account', async () => {
    const recorder = new Recorder();
    const app = await startLocalApp(config(), { notifier: recorder, logger: silent });
    try {
      const id = await activate(app);
      const active = await app.store.get(id);
      expect(active?.state).toBe('active');
      const creds = await revealCredentials(app.deps, { requestId: id, actor: 'U0REQUESTER' });
      if (!creds.ok || creds.value.connect.kind !== 'local') throw new Error('no local credentials');
      const session = await connectAs({
        ...creds.value.connect,
        user: creds.value.user,
        password: creds.value.password,
        database: SCHEMA,
      });
      const [rows] = await session.query('SELECT COUNT(*) AS n FROM orders');
      expect((rows as { n: number }[])[0]?.n).toBe(2);
      await expect(session.query('SELECT * FROM secret_tokens')).rejects.toThrow(/denied/);

      const ended = await endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' });
      expect(ended.ok).toBe(true);
      await app.queue.drain();
      await expect(session.query('SELECT 1')).rejects.toThrow();
      session.destroy();
      expect((await app.store.get(id))?.state).toBe('ended');
      const [left] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [
        creds.value.user,
        active?.account?.host,
      ]);
      expect((left as { n: number }[])[0]?.n).toBe(0);
      expect(await app.bastions.list()).toEqual([]);
      expect(app.scheduler.pending()).toEqual([]);
      expect(recorder.seen.map((n) => n.kind)).toContain('ended');
    } finally {
      await app.close();
    }
  });

  it('after a restart, access whose bastion died with the process is torn down and its account dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drawbridge-it-'));
    try {
      const first = await startLocalApp(config(join(dir, 'store')), {
        notifier: new Recorder(),
        logger: silent,
      });
      const id = await activate(first);
      const account = (await first.store.get(id))?.account;
      // The process "dies": timers and forwarders go with it, nothing is torn down.
      await first.close();

      const [before] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [
        account?.user,
        account?.host,
      ]);
      expect((before as { n: number }[])[0]?.n).toBe(1);

      const second = await startLocalApp(config(join(dir, 'store')), {
        notifier: new Recorder(),
        logger: silent,
      });
      try {
        // The start-up sweep runs once resumed work has settled, in the background: wait for its teardown.
        for (let i = 0; i < 100 && (await second.store.get(id))?.state !== 'ended'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await second.queue.drain();
        expect((await second.store.get(id))?.state).toBe('ended');
        const [after] = await admin.query(
          'SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?',
          [account?.user, account?.host],
        );
        expect((after as { n: number }[])[0]?.n).toBe(0);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
