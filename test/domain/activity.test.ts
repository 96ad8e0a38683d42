import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskLiterals,
  recordsOfAccount,
  statementKind,
  summarizeActivity,
} from '../../src/domain/activity.js';
import type { AuditRecord } from '../../src/domain/audit-records.js';

let queryId = 0;
const rec = (operation: string, object = '', extra: Partial<AuditRecord> = {}): AuditRecord => ({
  time: `20261203 14:12:${String(10 + (queryId % 50)).padStart(2, '0')}`,
  serverHost: 'db-1',
  user: 'ada_lovelace',
  host: '10.0.1.5',
  connectionId: 7,
  queryId: ++queryId,
  operation,
  database: 'orders',
  object,
  retcode: 0,
  ...extra,
});

describe('statementKind', () => {
  it.each([
    ['SELECT * FROM t', 'read'],
    ['  /* app */ select 1', 'read'],
    ['(SELECT 1) UNION (SELECT 2)', 'read'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'read'],
    ['SHOW TABLES', 'read'],
    ['INSERT INTO t VALUES (1)', 'write'],
    ['update t set a = 1 where id = 2', 'write'],
    ['DELETE FROM t WHERE id = 3', 'write'],
    ['CREATE TABLE s (i INT)', 'ddl'],
    ['ALTER TABLE t ADD COLUMN c INT', 'ddl'],
    ['DROP TABLE t', 'ddl'],
    ['TRUNCATE TABLE t', 'ddl'],
    ['SET NAMES utf8mb4', 'other'],
    ['GRANT SELECT ON *.* TO x', 'other'],
    ['', 'other'],
  ])('%s → %s', (statement, kind) => {
    expect(statementKind(statement)).toBe(kind);
  });
});

describe('summarizeActivity', () => {
  it('counts connections and statements by kind, lists every write and DDL, and the failures', () => {
    const summary = summarizeActivity([
      rec('CONNECT'),
      rec('QUERY', 'SELECT * FROM orders WHERE id = 7'),
      rec('QUERY', "UPDATE orders SET note = 'late' WHERE id = 7"),
      rec('QUERY', 'DROP TABLE orders_backup'),
      rec('QUERY', 'SELECT * FROM secret_keys', { retcode: 1142 }),
      rec('FAILED_CONNECT', '', { retcode: 1045 }),
      rec('DISCONNECT'),
    ]);
    expect(summary).toMatchObject({
      connections: 1,
      failedConnections: 1,
      statements: { read: 2, write: 1, ddl: 1, other: 0 },
      omitted: { changes: 0, failures: 0 },
    });
    expect(summary.changes.map((c) => [c.kind, c.statement])).toEqual([
      ['write', "UPDATE orders SET note = 'late' WHERE id = 7"],
      ['ddl', 'DROP TABLE orders_backup'],
    ]);
    expect(summary.failures).toEqual([
      expect.objectContaining({ kind: 'read', statement: 'SELECT * FROM secret_keys', error: 1142 }),
    ]);
    expect(summary.firstStatementAt).toBeDefined();
  });

  it('caps the lists and says how many were left out; cuts long statements', () => {
    const writes = Array.from({ length: 5 }, (_, i) =>
      rec('QUERY', `INSERT INTO t VALUES (${i}, '${'x'.repeat(50)}')`),
    );
    const summary = summarizeActivity(writes, { maxListed: 3, maxStatementLength: 20, maskLiterals: false });
    expect(summary.changes).toHaveLength(3);
    expect(summary.omitted.changes).toBe(2);
    expect(summary.changes[0]?.statement).toBe('INSERT INTO t VALUES…');
  });

  it('never lists a password: a statement carrying one is shown by its kind only', () => {
    const summary = summarizeActivity([rec('QUERY', "ALTER USER 'x'@'%' IDENTIFIED BY 'Hunter2-secret'")]);
    expect(JSON.stringify(summary)).not.toContain('Hunter2');
    expect(summary.changes[0]?.statement).toMatch(/hidden: it carries a password/);
  });

  it('masks literal values when the target asks for it', () => {
    const summary = summarizeActivity(
      [rec('QUERY', "UPDATE users SET email = 'ada@example.com' WHERE id = 42")],
      {
        maxListed: 10,
        maxStatementLength: 500,
        maskLiterals: true,
      },
    );
    expect(summary.changes[0]?.statement).toBe('UPDATE users SET email = ? WHERE id = ?');
  });

  it('masking leaves no quoted literal behind, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', "'", '\\', ',', 'x', '"') }), (value) => {
        const quoted = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
        expect(maskLiterals(`SELECT ${quoted} AS v`)).toBe('SELECT ? AS v');
      }),
    );
  });
});

describe('recordsOfAccount', () => {
  it('keeps the account’s records by user and address (or a resolved name), nobody else’s', () => {
    const mine = rec('QUERY', 'SELECT 1');
    const byName = rec('QUERY', 'SELECT 2', { host: 'ip-10-0-1-5.eu-west-1.compute.internal' });
    const otherHost = rec('QUERY', 'SELECT 3', { host: '10.0.2.9' });
    const otherUser = rec('QUERY', 'SELECT 4', { user: 'app' });
    expect(
      recordsOfAccount([mine, byName, otherHost, otherUser], { user: 'ada_lovelace', host: '10.0.1.5' }, [
        'ip-10-0-1-5.eu-west-1.compute.internal',
      ]),
    ).toEqual([mine, byName]);
  });
});
