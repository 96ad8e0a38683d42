import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MariadbAuditFile } from '../../../src/adapters/activity/mariadb-audit-file.js';
import { type AuditRecord, formatAuditRecord } from '../../../src/domain/audit-records.js';

const account = { user: 'ada', host: '127.77.0.9' };
const window = { from: '2026-12-04T10:00:00.000Z', to: '2026-12-04T11:00:00.000Z' };
let dirs: string[] = [];

function auditDir() {
  const dir = mkdtempSync(join(tmpdir(), 'audit-file-'));
  dirs.push(dir);
  return join(dir, 'server_audit.log');
}

/** A line as the plugin writes it; the server here runs two hours ahead of UTC. */
const line = (object: string, over: Partial<AuditRecord> = {}) =>
  `${formatAuditRecord({
    time: '20261204 12:30:00',
    serverHost: 'db',
    user: account.user,
    host: account.host,
    connectionId: 4,
    queryId: 1,
    operation: 'QUERY',
    database: 'orders',
    object,
    retcode: 0,
    ...over,
  })}\n`;

const source = (file: string) => new MariadbAuditFile({ file, utcOffsetMinutes: async () => 120 });

afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('the server_audit file as an activity source', () => {
  it('reads on from the remembered position, through a rotation, and keeps only the account in the window', async () => {
    const file = auditDir();
    writeFileSync(file, line('SELECT before the access'));
    const from = await source(file).position();
    appendFileSync(file, line('UPDATE t SET a = 1 WHERE id = 1'));
    appendFileSync(file, line('DELETE FROM t', { user: 'someone_else' }));
    appendFileSync(file, line('DROP TABLE t', { host: '127.77.0.10' }));
    appendFileSync(file, line('SELECT out of the window', { time: '20261204 13:30:05' }));
    renameSync(file, `${file}.1`); // the plugin rotates by renaming: the remembered inode moves with it
    writeFileSync(file, line("INSERT INTO t VALUES ('a,b\\nc')"));

    const { records, utcOffsetMinutes } = await source(file).collect(account, window, from);
    expect(utcOffsetMinutes).toBe(120);
    expect(records.map((r) => r.object)).toEqual([
      'UPDATE t SET a = 1 WHERE id = 1',
      "INSERT INTO t VALUES ('a,b\\nc')",
    ]);
  });

  it('leaves a record the server is still writing for the next read', async () => {
    const file = auditDir();
    const whole = line('CREATE TABLE s (i INT)');
    writeFileSync(file, `${line('SELECT 1')}${whole.slice(0, 30)}`);
    const first = await source(file).collect(account, window);
    expect(first.records.map((r) => r.object)).toEqual(['SELECT 1']);
    appendFileSync(file, whole.slice(30));
    const second = await source(file).collect(account, window);
    expect(second.records.map((r) => r.object)).toEqual(['SELECT 1', 'CREATE TABLE s (i INT)']);
  });

  it('reads every file when the remembered one was rotated away, and says when there is no file', async () => {
    const file = auditDir();
    writeFileSync(file, line('SELECT 1'));
    const records = await source(file).collect(account, window, '999999999:10');
    expect(records.records).toHaveLength(1);
    await expect(source(`${file}.missing`).collect(account, window)).rejects.toThrow(/does not exist/);
    await expect(source(`${file}.missing`).position()).rejects.toThrow(/ENOENT/);
  });
});
