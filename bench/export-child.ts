/**
 * One export in a fresh process, so that its peak RSS (VmHWM) is the export's own: prints
 * `{ ms, rows, bytes, peakRssMb }` as JSON. Called by runs.bench.ts with the schema, table and format.
 */
import { readFileSync } from 'node:fs';
import { MysqlRunExecutor } from '../src/adapters/mysql/run-executor.js';

const [schema, table, format, path, gzip] = process.argv.slice(2) as [
  string,
  string,
  'csv' | 'tsv',
  string,
  string,
];
const executor = new MysqlRunExecutor(
  () => ({ host: '127.0.0.1', port: 3306 }),
  gzip === 'gzip' ? 1 : Number.POSITIVE_INFINITY,
);
const started = performance.now();
const out = await executor.execute('bench', {
  requestId: 'r-bench',
  account: { user: 'root', host: '127.0.0.1' },
  password: process.env.DRAWBRIDGE_DB_PASSWORD ?? '',
  run: {
    sql: `SELECT * FROM ${table}`,
    sha256: '0'.repeat(64),
    schema,
    mode: 'export',
    statements: [{ kind: 'select', text: `SELECT * FROM ${table}` }],
    format,
  },
  limits: { statementTimeoutSeconds: 600, maxRows: 10_000_000, maxBytes: 4 * 2 ** 30 },
  exportPath: path,
});
const ms = performance.now() - started;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
process.stdout.write(
  `${JSON.stringify({ ms, rows: out.file?.rows ?? 0, bytes: out.file?.bytes ?? 0, peakRssMb: Number(hwm) / 1024, outcome: out.result.outcome })}\n`,
);
