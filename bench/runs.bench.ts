/**
 * A run's export beside the mysql client, in the same run: 1,000,000 rows of a 10-column table, exported by
 * Drawbridge's executor (streamed, CSV and TSV) and by `mysql -B -e 'SELECT …' > file` (TSV), each in a fresh
 * process — throughput and peak RSS (VmHWM). Targets: ≥ 0.5× the client's throughput, < 200 MB peak RSS.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAdminPool } from '../test/support/mysql-admin.js';

const run = promisify(execFile);

export interface ExportBenchRow {
  what: string;
  ms: number;
  rows: number;
  mb: number;
  peakRssMb: number;
}

async function timeMysqlClient(schema: string, table: string, path: string): Promise<ExportBenchRow> {
  const started = performance.now();
  // /usr/bin/time -v reports the client's own peak RSS; the shell only redirects.
  const { stderr } = await run('/usr/bin/time', [
    '-v',
    'sh',
    '-c',
    `mysql -B -h 127.0.0.1 -u root ${schema} -e 'SELECT * FROM ${table}' > ${path}`,
  ]).catch(async () => {
    const child = spawn('sh', [
      '-c',
      `mysql -B -h 127.0.0.1 -u root ${schema} -e 'SELECT * FROM ${table}' > ${path}`,
    ]);
    await new Promise((resolve) => child.on('exit', resolve));
    return { stderr: '' };
  });
  const ms = performance.now() - started;
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const size = statSync(path).size;
  return {
    what: '`mysql -B -e … > file` (TSV)',
    ms,
    rows: 1_000_000,
    mb: size / 2 ** 20,
    peakRssMb: kb / 1024,
  };
}

async function timeDrawbridge(
  schema: string,
  table: string,
  format: 'csv' | 'tsv',
  path: string,
  gzip: boolean,
) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'bench/export-child.ts', schema, table, format, path, gzip ? 'gzip' : 'plain'],
    {
      maxBuffer: 1 << 20,
    },
  );
  const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    ms: number;
    rows: number;
    bytes: number;
    peakRssMb: number;
  };
  return {
    what: `Drawbridge export, ${format.toUpperCase()}${gzip ? ', then gzipped' : ''}`,
    ms: r.ms,
    rows: r.rows,
    mb: r.bytes / 2 ** 20,
    peakRssMb: r.peakRssMb,
  } satisfies ExportBenchRow;
}

export async function runExportBench(rows = 1_000_000): Promise<ExportBenchRow[]> {
  const schema = `dbb_export_${process.pid}`;
  const admin = createAdminPool({ multipleStatements: true });
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-export-bench-'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${schema}; CREATE DATABASE ${schema};
      CREATE TABLE ${schema}.t (id INT PRIMARY KEY, c1 VARCHAR(32), c2 VARCHAR(32), c3 INT, c4 BIGINT,
        c5 DECIMAL(12,2), c6 DATETIME, c7 VARCHAR(64), c8 DOUBLE, c9 CHAR(8));
      INSERT INTO ${schema}.t SELECT seq, CONCAT('name-', seq), MD5(seq), seq % 1000, seq * 7919,
        seq / 100, '2026-12-04 10:00:00' + INTERVAL (seq % 86400) SECOND, CONCAT('note, "quoted" ', seq),
        seq / 3, LPAD(seq % 99999999, 8, '0') FROM ${schema}.seq_1_to_${rows};`);
    const out: ExportBenchRow[] = [];
    // Alternate, client first, so that the server's buffer pool is as warm for each.
    out.push(await timeMysqlClient(schema, 't', join(dir, 'client.tsv')));
    out.push(await timeDrawbridge(schema, 't', 'tsv', join(dir, 'db.tsv'), false));
    // The TSV is the client's own format: the same bytes, or the row says otherwise.
    const same = readFileSync(join(dir, 'client.tsv')).equals(readFileSync(join(dir, 'db.tsv')));
    (out[1] as ExportBenchRow).what += same
      ? ' — byte for byte the client’s file'
      : ' — DIFFERS from the client’s file';
    out.push(await timeDrawbridge(schema, 't', 'csv', join(dir, 'db.csv'), false));
    out.push(await timeDrawbridge(schema, 't', 'csv', join(dir, 'dbz.csv'), true));
    return out;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${schema}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
