import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAs, roleNameFor } from '../../src/adapters/mysql/index.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { sweep } from '../../src/app/sweep.js';
import type { Notification } from '../../src/domain/ports.js';
import { TIERS } from '../../src/domain/types.js';
import { startLocalApp } from '../../src/entry/local-app.js';
import { localTestConfig } from '../support/local-config.js';
import { createAdminPool, mysqlTestServer } from '../support/mysql-admin.js';

const SCHEMA = `dbt_own_${process.pid}`;
const TARGET = `own${process.pid}`.slice(0, 20);
const NETWORK = '127.81.5';
const PASSWORD = 'Their-app-pW7mZ4-vK8rL1-nB5cD3';
const admin = createAdminPool({ multipleStatements: true });
const silent = { info() {}, warn() {}, error() {} };
/** Every address a local bastion can take in 127.81.5.0/24: the application's account sits on each. */
const ADDRESSES = Array.from({ length: 254 }, (_, i) => `${NETWORK}.${i + 1}`);

class Recorder {
  readonly seen: Notification[] = [];
  async notify(n: Notification) {
    this.seen.push(n);
  }
}

const directory = {
  async lookup(id: string) {
    const emails: Record<string, string> = { U0APPSVC: 'app@example.com', U0APPROVER1: 'grace@example.com' };
    return emails[id] ? { id, email: emails[id] } : undefined;
  },
  async groupsOf(id: string) {
    return id === 'U0APPROVER1' ? ['S0DBAS'] : [];
  },
};

async function appAccounts(): Promise<string[]> {
  const [rows] = await admin.query("SELECT Host AS h FROM mysql.user WHERE User = 'app'");
  return (rows as { h: string }[]).map((r) => r.h).sort();
}

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY); INSERT INTO ${SCHEMA}.orders VALUES (1);`);
  // An application's own account, named like a Slack user's e-mail, on every address a bastion could take.
  const users = ADDRESSES.map((a) => `'app'@'${a}'`);
  await admin.query(`CREATE USER ${users.map((u) => `${u} IDENTIFIED BY '${PASSWORD}'`).join(', ')}`);
  await admin.query(`GRANT SELECT, INSERT ON ${SCHEMA}.orders TO ${users.join(', ')}`);
});

afterAll(async () => {
  await admin.query(`DROP USER IF EXISTS ${ADDRESSES.map((a) => `'app'@'${a}'`).join(', ')}`);
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
  await admin.end();
});

describe('an account Drawbridge did not make (real MariaDB, dynalite, loopback bastions)', () => {
  it('with its grants and live session, survives submit, approve, refusal, teardown and sweep untouched', async () => {
    const recorder = new Recorder();
    const config = localTestConfig({ target: TARGET, schema: SCHEMA, sourceNetwork: `${NETWORK}.0/24` });
    const app = await startLocalApp(config, { notifier: recorder, logger: silent, directory });
    const theirs = await connectAs({
      ...mysqlTestServer().tcp,
      user: 'app',
      password: PASSWORD,
      localAddress: `${NETWORK}.77`,
      database: SCHEMA,
    });
    try {
      const submitted = await submitRequest(app.deps, {
        requesterId: 'U0APPSVC',
        target: TARGET,
        tier: 'READ',
        durationSeconds: 600,
        reason: 'looking',
      });
      if (!submitted.ok) throw new Error(submitted.error.message);
      expect(submitted.value.requester.dbUser).toBe('app');
      await decideRequest(app.deps, {
        requestId: submitted.value.id,
        actor: 'U0APPROVER1',
        verdict: 'approve',
      });
      await app.queue.drain();

      const request = await app.store.get(submitted.value.id);
      expect(request?.state).toBe('failed');
      expect(request?.failure?.reason).toMatch(
        /`app`@`127\.81\.5\.\d+` already exists on .* and was not created by Drawbridge/,
      );
      expect(recorder.seen.map((n) => n.kind)).toEqual(expect.arrayContaining(['alert', 'failed']));

      await sweep(app.deps);
      await app.queue.drain();

      expect(await appAccounts()).toEqual([...ADDRESSES].sort());
      await theirs.query(`INSERT INTO ${SCHEMA}.orders VALUES (2)`);
      const [rows] = await theirs.query(`SELECT COUNT(*) AS n FROM ${SCHEMA}.orders`);
      expect((rows as { n: number }[])[0]?.n).toBe(2);
      const again = await connectAs({
        ...mysqlTestServer().tcp,
        user: 'app',
        password: PASSWORD,
        localAddress: `${NETWORK}.200`,
      });
      again.destroy();
    } finally {
      theirs.destroy();
      await app.close();
    }
  });
});
