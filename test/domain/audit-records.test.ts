import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditRecord, formatAuditRecord, parseAuditText } from '../../src/domain/audit-records.js';

/** Lines as MariaDB 10.11's server_audit wrote them on this machine (statements with quotes, commas, a newline). */
const MARIADB = [
  '20261203 14:12:23,vm,root,localhost,1771,0,CONNECT,,,0',
  "20261203 14:12:23,vm,root,localhost,1771,127146,QUERY,probe_a,'INSERT INTO probe_a.t VALUES (\\'it\\'\\'s, a \"test\"\\', 1), (\\'line1\\nline2\\', 2)',0",
  "20261203 14:12:23,vm,root,localhost,1771,127147,QUERY,probe_a,'SELECT * FROM probe_a.t WHERE a = \\'x,y\\'',0",
  "20261203 14:12:23,vm,root,localhost,1771,127148,QUERY,probe_a,'UPDATE probe_a.t SET b = 3 WHERE a LIKE \\'%\\\\\\\\%\\'',0",
];

describe('parseAuditText', () => {
  it('reads MariaDB server_audit lines: escaped quotes, commas and newlines inside the statement', () => {
    const { records, rejected, consumed } = parseAuditText(`${MARIADB.join('\n')}\n`);
    expect(rejected).toEqual([]);
    expect(consumed).toBe(MARIADB.join('\n').length + 1);
    expect(
      records.map((r) => [r.operation, r.connectionId, r.queryId, r.database, r.object, r.retcode]),
    ).toEqual([
      ['CONNECT', 1771, 0, '', '', 0],
      [
        'QUERY',
        1771,
        127146,
        'probe_a',
        `INSERT INTO probe_a.t VALUES ('it''s, a "test"', 1), ('line1\nline2', 2)`,
        0,
      ],
      ['QUERY', 1771, 127147, 'probe_a', "SELECT * FROM probe_a.t WHERE a = 'x,y'", 0],
      ['QUERY', 1771, 127148, 'probe_a', "UPDATE probe_a.t SET b = 3 WHERE a LIKE '%\\\\%'", 0],
    ]);
  });

  it('reads an Aurora advanced-auditing record (epoch microseconds, a failed statement)', () => {
    const line =
      "1733230343123456,ip-10-0-3-17,ada_lovelace,10.0.1.5,42,9001,QUERY,orders,'DELETE FROM orders WHERE id = 7',1142";
    const { records } = parseAuditText(`${line}\n`);
    expect(records).toEqual([
      {
        time: '1733230343123456',
        serverHost: 'ip-10-0-3-17',
        user: 'ada_lovelace',
        host: '10.0.1.5',
        connectionId: 42,
        queryId: 9001,
        operation: 'QUERY',
        database: 'orders',
        object: 'DELETE FROM orders WHERE id = 7',
        retcode: 1142,
      },
    ]);
  });

  it('leaves a cut-off last record for the next read, and rejects a complete line that is not a record', () => {
    const text = `${MARIADB[0]}\nnot,a,record\n${MARIADB[1]?.slice(0, 80)}`;
    const { records, rejected, consumed } = parseAuditText(text);
    expect(records).toHaveLength(1);
    expect(rejected).toEqual([{ line: 'not,a,record', reason: 'expected 10 fields, got 3' }]);
    expect(text.slice(consumed)).toBe(MARIADB[1]?.slice(0, 80));
  });
});

const sqlText = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', ',', "'", '"', '\\', '\n', '\r', '\t', '%', '(', ')', '9', 'é'),
});
const word = fc.stringMatching(/^[a-z0-9_.-]{0,12}$/);
const record: fc.Arbitrary<AuditRecord> = fc.record({
  time: fc.oneof(fc.constant('20261203 14:12:23'), fc.bigInt({ min: 0n, max: 2n ** 60n }).map(String)),
  serverHost: word,
  user: word,
  host: word,
  connectionId: fc.nat(),
  queryId: fc.nat(),
  operation: fc.constantFrom('CONNECT', 'DISCONNECT', 'QUERY', 'FAILED_CONNECT'),
  database: word,
  object: sqlText,
  retcode: fc.nat({ max: 9999 }),
});

describe('parseAuditText, property-tested', () => {
  it('reads back exactly what was written, whatever the statements hold', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (records) => {
        const text = records.map((r) => `${formatAuditRecord(r)}\n`).join('');
        expect(parseAuditText(text)).toEqual({ records, rejected: [], consumed: text.length });
      }),
    );
  });

  it('never returns a record cut off part-way: a prefix yields only the records it holds whole', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), fc.nat(), (records, cut) => {
        const lines = records.map((r) => `${formatAuditRecord(r)}\n`);
        const text = lines.join('');
        const prefix = text.slice(0, cut % (text.length + 1));
        const parsed = parseAuditText(prefix);
        let whole = 0;
        let length = 0;
        while (whole < lines.length && length + (lines[whole] as string).length <= prefix.length) {
          length += (lines[whole] as string).length;
          whole++;
        }
        expect(parsed.records).toEqual(records.slice(0, whole));
        expect(parsed.consumed).toBe(length);
        expect(parsed.rejected).toEqual([]);
      }),
    );
  });
});
