/**
 * Lifecycle figures on real parts: approve click → `active` with the local bastion, dynalite and
 * the local MariaDB; and 50 requests approved at once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { roleNameFor } from '../src/adapters/mysql/index.js';
import { decideRequest } from '../src/app/decide-request.js';
import { endAccess } from '../src/app/end-access.js';
import { submitRequest } from '../src/app/submit-request.js';
import { parseConfig } from '../src/config/config.js';
import type { DrawbridgeConfig } from '../src/config/config-types.js';
import { TIERS } from '../src/domain/types.js';
import { type LocalApp, startLocalApp } from '../src/entry/local-app.js';
import { PROVISIONED_HISTORY } from '../test/fakes/harness.js';
import { percentile } from './stats.js';

const SCHEMA = 'drawbridge_bench_lifecycle';
const TARGET = 'bench';
const silent = { info() {}, warn() {}, error() {} };
const quiet = { async notify() {} };

function benchConfig(): DrawbridgeConfig {
  const parsed = parseConfig(readFileSync('drawbridge.example.yaml', 'utf8'), 'example', process.env);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const target = parsed.value.targets[0];
  if (!target) throw new Error('example config has no target');
  return {
    ...parsed.value,
    store: { kind: 'dynalite' },
    targets: [
      {
        ...target,
        name: TARGET,
        schemas: [SCHEMA],
        // One requester makes every request here: the per-requester caps would stop the run, not measure it.
        policy: {
          ...target.policy,
          name: TARGET,
          tiers: Object.fromEntries(
            Object.entries(target.policy.tiers).map(([tier, p]) => [
              tier,
              { ...p, limits: { maxPending: 1_000, maxLive: 1_000, maxPerHour: 1_000 } },
            ]),
          ),
        },
      },
    ],
  };
}

async function submitAndApprove(app: LocalApp): Promise<{ id: string; ms: number }> {
  const submitted = await submitRequest(app.deps, {
    requesterId: 'U0REQUESTER',
    target: TARGET,
    tier: 'READ',
    durationSeconds: 3600,
    reason: 'bench',
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  const start = performance.now();
  await decideRequest(app.deps, { requestId: submitted.value.id, actor: 'U0APPROVER1', verdict: 'approve' });
  await app.queue.drain();
  const ms = performance.now() - start;
  const state = (await app.store.get(submitted.value.id))?.state;
  if (state !== 'active') throw new Error(`request ended ${state}, not active`);
  return { id: submitted.value.id, ms };
}

export interface LifecycleBench {
  approveToActive: { runs: number; p50: number; p99: number; max: number };
  concurrent: {
    requests: number;
    active: number;
    distinctBastions: number;
    distinctAccounts: number;
    lostEvents: number;
    wallMs: number;
  };
}

/** The bench target's admin connection (several statements at once, for fixtures). */
async function adminOf(config: DrawbridgeConfig): Promise<mysql.Connection> {
  const db = config.targets[0]?.database;
  if (!db) throw new Error('no database in the config');
  return mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.adminUser,
    password: db.adminPassword,
    multipleStatements: true,
  });
}

export async function runLifecycleBench(runs = 50): Promise<LifecycleBench> {
  const config = benchConfig();
  const admin = await adminOf(config);
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.a (id INT PRIMARY KEY); CREATE TABLE ${SCHEMA}.b (id INT PRIMARY KEY); CREATE TABLE ${SCHEMA}.secret_c (id INT PRIMARY KEY);`);
  const app = await startLocalApp(config, { notifier: quiet, logger: silent });
  try {
    await submitAndApprove(app).then(({ id }) =>
      endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' }),
    ); // warm-up
    await app.queue.drain();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { id, ms } = await submitAndApprove(app);
      samples.push(ms);
      await endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' });
      await app.queue.drain();
    }

    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const s = await submitRequest(app.deps, {
        requesterId: 'U0REQUESTER',
        target: TARGET,
        tier: 'READ',
        durationSeconds: 3600,
        reason: 'burst',
      });
      if (!s.ok) throw new Error(s.error.message);
      ids.push(s.value.id);
    }
    const start = performance.now();
    await Promise.all(
      ids.map((id, i) =>
        decideRequest(app.deps, {
          requestId: id,
          actor: i % 2 ? 'U0APPROVER1' : 'U0APPROVER2',
          verdict: 'approve',
        }),
      ),
    );
    await app.queue.drain();
    const wallMs = performance.now() - start;
    const all = await Promise.all(ids.map((id) => app.store.get(id)));
    const concurrent = {
      requests: ids.length,
      active: all.filter((r) => r?.state === 'active').length,
      distinctBastions: new Set(all.map((r) => r?.bastionId)).size,
      distinctAccounts: new Set(all.map((r) => `${r?.account?.user}@${r?.account?.host}`)).size,
      lostEvents: all.filter((r) => r?.events.map((e) => e.type).join() !== PROVISIONED_HISTORY.join())
        .length,
      wallMs,
    };
    await Promise.all(ids.map((id) => endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' })));
    await app.queue.drain();
    return {
      approveToActive: {
        runs,
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        max: Math.max(...samples),
      },
      concurrent,
    };
  } finally {
    await app.close();
    await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
    await admin.end();
  }
}

export interface SoakSample {
  lifecycles: number;
  fds: number;
  rssMb: number;
  heapMb: number;
  abortedConnects: number;
}

/**
 * The soak: `n` short lifecycles one after another (submit → approve → active → End now → ended), with the
 * process's open descriptors, its RSS and the server's `Aborted_connects` sampled ten times along the way.
 * Resource hygiene shows as flat columns.
 */
export async function runSoakBench(n = 1_000): Promise<SoakSample[]> {
  // The store on disk: an in-memory one holds every record, and its growth would hide a leak (or fake one).
  const storeDir = mkdtempSync(join(tmpdir(), 'drawbridge-soak-'));
  const config: DrawbridgeConfig = {
    ...benchConfig(),
    store: { kind: 'dynalite', path: join(storeDir, 'store') },
  };
  const admin = await adminOf(config);
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.a (id INT PRIMARY KEY); CREATE TABLE ${SCHEMA}.secret_c (id INT PRIMARY KEY);`);
  const app = await startLocalApp(config, { notifier: quiet, logger: silent });
  const sample = async (lifecycles: number): Promise<SoakSample> => {
    (globalThis as { gc?: () => void }).gc?.(); // with --expose-gc, RSS after a collection
    const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Aborted_connects'");
    return {
      lifecycles,
      fds: readdirSync('/proc/self/fd').length,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
      abortedConnects: Number((rows as { Value: string }[])[0]?.Value ?? 0),
    };
  };
  try {
    const samples = [await sample(0)];
    for (let i = 1; i <= n; i++) {
      const { id } = await submitAndApprove(app);
      await endAccess(app.deps, { requestId: id, actor: 'U0REQUESTER' });
      await app.queue.drain();
      if (i % Math.max(1, Math.floor(n / 10)) === 0) samples.push(await sample(i));
    }
    return samples;
  } finally {
    await app.close();
    await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    for (const tier of TIERS) await admin.query(`DROP ROLE IF EXISTS \`${roleNameFor(TARGET, tier)}\``);
    await admin.end();
    rmSync(storeDir, { recursive: true, force: true });
  }
}
