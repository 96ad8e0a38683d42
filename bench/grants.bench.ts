/**
 * Per-user grant + teardown cost against the number of tables, role path beside direct per-table grants
 * (target: < 50 ms per user at 10,000 tables, flat across sizes). Real MariaDB, same server as the
 * adapter tests (see test/support/mysql-admin.ts). Run: `npx tsx bench/grants.bench.ts`
 * (`DRAWBRIDGE_BENCH_SIZES=100,1000` for a quicker run). `runGrantBench()` returns the rows.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Pool } from 'mysql2/promise';
import { quoteIdent } from '../src/adapters/mysql/admin-sql.js';
import {
  createMysqlDatabaseAccess,
  type MysqlDatabaseAccess,
} from '../src/adapters/mysql/mysql-database-access.js';
import type { Tier } from '../src/domain/types.js';
import { createAdminPool, dropPrincipals, dropSchemas } from '../test/support/mysql-admin.js';

export interface GrantBenchRow {
  tables: number;
  path: 'roles' | 'direct';
  what: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  note?: string;
}

export interface GrantBenchOptions {
  sizes?: readonly number[];
  /** Users per size on the role path (READ). */
  users?: number;
  /** Users per size on the direct path: per-table grants are slow, fewer at large sizes. */
  directUsers?: (tables: number) => number;
}

const PASSWORD = 'Bn-3kW8-xQ5zT2-vM7pR4-hL9cD6-fJ1s';
const tag = () => randomBytes(4).toString('hex');

function percentile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

const row = (
  tables: number,
  path: GrantBenchRow['path'],
  what: string,
  samples: number[],
  note?: string,
): GrantBenchRow => ({
  tables,
  path,
  what,
  samples: samples.length,
  p50Ms: percentile(samples, 0.5),
  p99Ms: percentile(samples, 0.99),
  ...(note === undefined ? {} : { note }),
});

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

/** Every 20th table is `secret_…` (5 %), so the schema is granted table by table. */
const tableNames = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return n % 20 === 0 ? `secret_t${n}` : `t${n}`;
  });

async function createTables(pool: Pool, schema: string, names: readonly string[]): Promise<void> {
  for (let i = 0; i < names.length; i += 500) {
    const batch = names
      .slice(i, i + 500)
      .map((t) => `CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(t)} (id INT PRIMARY KEY)`);
    await pool.query(batch.join(';'));
  }
}

async function perUser(
  access: MysqlDatabaseAccess,
  tier: Tier,
  count: number,
  prefix: string,
  /** Untimed, between createAccount and dropAccount (e.g. DDL that invalidates what was cached). */
  between?: (i: number) => Promise<void>,
): Promise<{ create: number[]; drop: number[]; total: number[] }> {
  const out = { create: [] as number[], drop: [] as number[], total: [] as number[] };
  for (let i = 0; i < count; i++) {
    const account = { user: `${prefix}_${i}_${tag()}`, host: `10.250.${i % 250}.${(i % 200) + 1}` };
    const [c] = await timed(() => access.createAccount(account, tier, PASSWORD));
    await between?.(i);
    const [d, report] = await timed(() => access.dropAccount(account));
    if (report.outcome !== 'dropped')
      throw new Error(`bench: ${account.user} was ${report.outcome}, not dropped`);
    out.create.push(c);
    out.drop.push(d);
    out.total.push(c + d);
  }
  return out;
}

async function benchSize(
  pool: Pool,
  tables: number,
  options: Required<GrantBenchOptions>,
): Promise<GrantBenchRow[]> {
  const schema = `drawbridge_bench_${tables}_${tag()}`;
  const target = `bench${tables}_${tag()}`;
  const rows: GrantBenchRow[] = [];
  const access = createMysqlDatabaseAccess({
    pool,
    target,
    schemas: [schema],
    protectedTables: ['secret_*'],
  });
  const direct = createMysqlDatabaseAccess({
    pool,
    target,
    schemas: [schema],
    protectedTables: ['secret_*'],
    grantMode: 'direct',
  });
  const roles = (['READ', 'DML', 'DDL'] as const).map((t) => access.roleName(t));
  try {
    await pool.query(`CREATE DATABASE ${quoteIdent(schema)}`);
    const [createMs] = await timed(() => createTables(pool, schema, tableNames(tables)));
    process.stderr.write(`  ${tables} tables created in ${(createMs / 1000).toFixed(1)} s\n`);

    const [firstSync, first] = await timed(() => access.syncRole('READ'));
    rows.push(
      row(
        tables,
        'roles',
        'first role sync (once per target × tier)',
        [firstSync],
        `${first.granted} grants`,
      ),
    );
    const [ddlSync] = await timed(() => access.syncRole('DDL'));
    rows.push(row(tables, 'roles', 'first role sync, DDL tier', [ddlSync]));

    const read = await perUser(access, 'READ', options.users, 'br');
    rows.push(row(tables, 'roles', 'READ user: createAccount + dropAccount', read.total));
    rows.push(row(tables, 'roles', '… of which createAccount', read.create));
    rows.push(row(tables, 'roles', '… of which dropAccount', read.drop));
    const ddl = await perUser(access, 'DDL', Math.max(3, Math.floor(options.users / 2)), 'bd');
    rows.push(
      row(
        tables,
        'roles',
        'DDL user: createAccount + dropAccount',
        ddl.total,
        'no DDL since: views listing reused',
      ),
    );
    const ddlAfter = await perUser(access, 'DDL', Math.max(3, Math.floor(options.users / 2)), 'be', (i) =>
      createTables(pool, schema, [`made_by_user_${i}`]),
    );
    rows.push(
      row(
        tables,
        'roles',
        'DDL user who created a table: createAccount + dropAccount',
        ddlAfter.total,
        'views listed again; next create re-checks the role',
      ),
    );

    await access.syncRole('READ'); // absorb the last table made above, untimed
    const unchanged: number[] = [];
    const forced: number[] = [];
    for (let i = 0; i < 10; i++) {
      unchanged.push((await timed(() => access.syncRole('READ')))[0]);
      forced.push((await timed(() => access.syncRole('READ', true)))[0]);
    }
    rows.push(row(tables, 'roles', 'sync check, no DDL since (counters)', unchanged));
    rows.push(row(tables, 'roles', 'sync check, full comparison, no change', forced));

    await createTables(pool, schema, tableNames(10, tables));
    const [incremental, inc] = await timed(() => access.syncRole('READ'));
    rows.push(
      row(tables, 'roles', 'incremental sync after adding 10 tables', [incremental], `${inc.granted} grants`),
    );

    const d = await perUser(direct, 'READ', options.directUsers(tables), 'bx');
    rows.push(row(tables, 'direct', 'READ user: createAccount + dropAccount', d.total));
    rows.push(row(tables, 'direct', '… of which createAccount', d.create));
    rows.push(row(tables, 'direct', '… of which dropAccount', d.drop));
  } finally {
    await dropPrincipals(pool, roles, []);
    await dropSchemas(pool, [schema]);
  }
  return rows;
}

export async function runGrantBench(options: GrantBenchOptions = {}): Promise<GrantBenchRow[]> {
  const resolved: Required<GrantBenchOptions> = {
    sizes: options.sizes ?? [100, 1_000, 10_000],
    users: options.users ?? 20,
    directUsers: options.directUsers ?? ((n) => (n >= 10_000 ? 2 : n >= 1_000 ? 5 : 10)),
  };
  const pool = createAdminPool({ multipleStatements: true });
  try {
    const rows: GrantBenchRow[] = [];
    for (const size of resolved.sizes) {
      process.stderr.write(`grants bench: ${size} tables\n`);
      rows.push(...(await benchSize(pool, size, resolved)));
    }
    return rows;
  } finally {
    await pool.end();
  }
}

export function grantBenchMarkdown(rows: readonly GrantBenchRow[]): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = [
    '| tables | path | what | n | p50 ms | p99 ms | note |',
    '| ---: | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.tables.toLocaleString('en-US')} | ${r.path} | ${r.what} | ${r.samples} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.note ?? ''} |`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.env.DRAWBRIDGE_BENCH_SIZES?.split(',').map(Number);
  const rows = await runGrantBench(sizes ? { sizes } : {});
  process.stdout.write(`${grantBenchMarkdown(rows)}\n`);
}
