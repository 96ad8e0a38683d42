/**
 * The run executor on MariaDB, as the admin (the account is not the point here): an export stops at the
 * tier's row or byte cap and says so; CSV follows RFC 4180 and TSV mysql -B's escapes; a failing SELECT
 * leaves no file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, MysqlRunExecutor, tsvField } from '../../../src/adapters/mysql/run-executor.js';
import type { RunSpec } from '../../../src/domain/types.js';
import { createAdminPool, mysqlTestServer } from '../../support/mysql-admin.js';

const SCHEMA = `dbt_runexec_${process.pid}`;
const admin = createAdminPool({ multipleStatements: true });
const dir = mkdtempSync(join(tmpdir(), 'drawbridge-runexec-'));
const server = mysqlTestServer();

beforeAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}; CREATE DATABASE ${SCHEMA};
    CREATE TABLE ${SCHEMA}.t (id INT PRIMARY KEY, note VARCHAR(40));
    INSERT INTO ${SCHEMA}.t VALUES (1, 'plain'), (2, 'a,b'), (3, 'say "hi"'), (4, 'two\\nlines'), (5, NULL), (6, 'tab\\there');`);
});
afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

const spec = (sql: string, format: 'csv' | 'tsv' = 'csv'): RunSpec => ({
  sql,
  sha256: '0'.repeat(64),
  schema: SCHEMA,
  mode: 'export',
  statements: [{ kind: 'select', text: sql }],
  format,
});

function exportWith(
  sql: string,
  limits: { maxRows?: number; maxBytes?: number },
  format: 'csv' | 'tsv' = 'csv',
) {
  const executor = new MysqlRunExecutor(() => ({ host: server.tcp.host, port: server.tcp.port }));
  return executor.execute('t', {
    requestId: `r-${format}-${limits.maxRows ?? 0}-${limits.maxBytes ?? 0}`,
    account: { user: String(server.admin.user ?? 'root'), host: '127.0.0.1' },
    password: String(server.admin.password ?? ''),
    run: spec(sql, format),
    limits: {
      statementTimeoutSeconds: 10,
      maxRows: limits.maxRows ?? 1000,
      maxBytes: limits.maxBytes ?? 1_000_000,
    },
    exportPath: join(dir, `${Math.random()}.${format}`),
  });
}

describe('exports', () => {
  it('writes CSV by RFC 4180 and TSV as mysql -B does', async () => {
    const csv = await exportWith('SELECT id, note FROM t ORDER BY id', {});
    expect(readFileSync(csv.file?.path ?? '', 'utf8')).toBe(
      'id,note\r\n1,plain\r\n2,"a,b"\r\n3,"say ""hi"""\r\n4,"two\nlines"\r\n5,\r\n6,tab\there\r\n',
    );
    const tsv = await exportWith('SELECT id, note FROM t ORDER BY id', {}, 'tsv');
    expect(readFileSync(tsv.file?.path ?? '', 'utf8')).toBe(
      'id\tnote\n1\tplain\n2\ta,b\n3\tsay "hi"\n4\ttwo\\nlines\n5\t\\N\n6\ttab\\there\n',
    );
    expect([csvField(null), tsvField(null), csvField(1.5), tsvField('a\\b')]).toEqual([
      '',
      '\\N',
      '1.5',
      'a\\\\b',
    ]);
  });

  it('stops at the row cap and at the byte cap, and says which', async () => {
    const rows = await exportWith('SELECT id FROM t ORDER BY id', { maxRows: 2 });
    expect(rows.file).toMatchObject({ rows: 2, capped: 'rows' });
    expect(rows.result.message).toBe('2 row(s) exported — capped at 2 rows, the rest was not exported');
    const bytes = await exportWith('SELECT id, note FROM t ORDER BY id', { maxBytes: 30 });
    expect(bytes.file?.capped).toBe('bytes');
    expect(bytes.file?.bytes).toBeLessThanOrEqual(30);
    expect(readFileSync(bytes.file?.path ?? '', 'utf8')).toBe('id,note\r\n1,plain\r\n2,"a,b"\r\n');
  });

  it('reports a failing SELECT and leaves no file behind', async () => {
    const failed = await exportWith('SELECT nope FROM t', {});
    expect(failed.result).toMatchObject({
      outcome: 'failed',
      statements: [{ kind: 'select', error: expect.stringContaining('1054') }],
    });
    expect(failed.file).toBeUndefined();
    expect(existsSync(join(dir, 'r-csv-0-0.csv'))).toBe(false);
  });
});
