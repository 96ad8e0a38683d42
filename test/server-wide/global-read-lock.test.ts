/**
 * A backup's global read lock (FLUSH TABLES WITH READ LOCK) held across expiry: DROP USER waits for it, and
 * access must end on time anyway. Touches the whole server, so it runs in the `server-wide` project, after
 * every other test file, never beside one (see vitest.config.ts).
 */
import { performance } from 'node:perf_hooks';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, roleNameFor } from '../../src/adapters/mysql/index.js';
import { revealCredentials } from '../../src/app/credentials.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { sweep } from '../../src/app/sweep.js';
import type { Notification } from '../../src/domain/ports.js';
import { TIERS } from '../../src/domain/types.js';
import { startLocalApp } from '../../src/entry/local-app.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool } from '../support/mysql-admin.js';

const SCHEMA = `dbt_lock_${process.pid}`;
const TARGET = `lock${process.pid}`.slice(0, 20);
const admin = createAdminPool({ multipleStatements: true });
const silent = { info() {}, warn() {}, error() {} };
const DURATION_SECONDS = 3;

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY); INSERT INTO ${SCHEMA}.orders VALUES (1);`);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
});

const accountCount = async (user: string, host: string) => {
  const [rows] = await admin.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [
    user,
    host,
  ]);
  return (rows as { n: number }[])[0]?.n;
};

describe('a global read lock held across expiry', () => {
  it('cuts the live session within 2 s of expiry; the drop lags, is alerted, and the sweeper finishes it', async () => {
    const seen: Notification[] = [];
    const config = localTestConfig({ target: TARGET, schema: SCHEMA, sourceNetwork: '127.83.0.0/16' });
    const app = await startLocalApp(config, {
      notifier: { notify: async (n) => void seen.push(n) },
      logger: silent,
    });
    const locker = await admin.getConnection();
    let session: Connection | undefined;
    try {
      const submitted = await submitRequest(app.deps, {
        requesterId: 'U0REQUESTER',
        target: TARGET,
        tier: 'READ',
        durationSeconds: DURATION_SECONDS,
        reason: 'lock test',
      });
      if (!submitted.ok) throw new Error(submitted.error.message);
      await decideRequest(app.deps, {
        requestId: submitted.value.id,
        actor: 'U0APPROVER1',
        verdict: 'approve',
      });
      await app.queue.drain();
      const id = submitted.value.id;
      const creds = await revealCredentials(app.deps, { requestId: id, actor: 'U0REQUESTER' });
      if (!creds.ok || creds.value.connect.kind !== 'local') throw new Error('no credentials');
      session = await connectAs({
        ...creds.value.connect,
        user: creds.value.user,
        password: creds.value.password,
      });
      const account = (await app.store.get(id))?.account;
      const expiresAt = Date.parse(creds.value.expiresAt);

      await locker.query('FLUSH TABLES WITH READ LOCK');
      // The requester keeps reading until the session is cut; measure when that happens against the expiry.
      let cutAt: number | undefined;
      while (cutAt === undefined && Date.now() < expiresAt + 10_000) {
        try {
          await session.query(`SELECT COUNT(*) FROM ${SCHEMA}.orders`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        } catch {
          cutAt = Date.now();
        }
      }
      expect(cutAt).toBeDefined();
      expect((cutAt as number) - expiresAt).toBeLessThan(2_000);

      // DROP USER gives up after the admin lock wait: access has ended, the drop is lagging and alerted.
      const deadline = performance.now() + 15_000;
      while ((await app.store.get(id))?.state !== 'ended' && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const ended = await app.store.get(id);
      expect(ended?.state).toBe('ended');
      expect(JSON.stringify(ended?.events.at(-1)?.details)).toMatch(/lagging.*MySQL account/);
      expect(seen.map((n) => n.kind)).toEqual(expect.arrayContaining(['alert', 'ended']));
      expect(seen.map((n) => n.kind)).not.toContain('failed');
      expect(await accountCount(account?.user ?? '', account?.host ?? '')).toBe(1);
      expect(await app.bastions.list()).toEqual([]);

      await locker.query('UNLOCK TABLES');
      const report = await sweep(app.deps);
      expect(report.orphanAccounts).toHaveLength(1);
      expect(await accountCount(account?.user ?? '', account?.host ?? '')).toBe(0);
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => undefined);
      locker.release();
      session?.destroy();
      await app.close();
    }
  }, 60_000);
});
