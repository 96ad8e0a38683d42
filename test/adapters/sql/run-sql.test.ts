/**
 * The run checker as the requester meets it: the SQL text through the MariaDB parser and the tier's rules.
 * Table-driven per tier, then properties: no generated statement that names a protected table is accepted,
 * however it is written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunSql } from '../../../src/adapters/sql/run-sql-parser.js';
import { checkRun } from '../../../src/domain/run-check.js';
import { DEFAULT_TIER_PRIVILEGES } from '../../../src/domain/tiers.js';
import type { Tier } from '../../../src/domain/types.js';

const PROTECTED = ['secret_*', '*_pii'];

function check(sql: string, tier: Tier) {
  const parsed = parseRunSql(sql);
  if (!parsed.ok) return parsed;
  return checkRun(parsed.value.statements, {
    tier,
    privileges: DEFAULT_TIER_PRIVILEGES[tier],
    schemas: ['orders'],
    protectedTables: PROTECTED,
    words: parsed.value.words,
  });
}

const accepted = (sql: string, tier: Tier) => {
  const r = check(sql, tier);
  if (!r.ok) throw new Error(`refused: ${r.error.message}`);
  return r.value;
};
const refusal = (sql: string, tier: Tier) => {
  const r = check(sql, tier);
  if (r.ok) throw new Error(`accepted: ${sql}`);
  return r.error.message;
};

describe('what each tier runs', () => {
  it.each([
    ['SELECT id, total FROM orders WHERE total > 10', 'READ', 'export'],
    ['select * from orders.customers c join orders.orders o on o.customer_id = c.id', 'READ', 'export'],
    ['WITH big AS (SELECT * FROM orders WHERE total > 100) SELECT COUNT(*) FROM big', 'READ', 'export'],
    ['SELECT * FROM orders;', 'DML', 'export'],
    ["UPDATE orders SET note = 'a;b' WHERE id = 7", 'DML', 'dml'],
    ['DELETE FROM orders WHERE id IN (1, 2); INSERT INTO orders (id) VALUES (3)', 'DML', 'dml'],
    ['INSERT INTO archive SELECT * FROM orders WHERE id < 10', 'DML', 'dml'],
    ['CREATE TABLE scratch (i INT)', 'DDL', 'ddl'],
    ['CREATE INDEX by_total ON orders (total); ALTER TABLE orders ADD COLUMN note2 TEXT', 'DDL', 'ddl'],
    ['DROP TABLE scratch', 'DDL', 'ddl'],
    ['RENAME TABLE scratch TO scratch_old', 'DDL', 'ddl'],
    ['TRUNCATE TABLE scratch', 'DDL', 'ddl'],
  ] as const)('%s — %s runs it as %s', (sql, tier, mode) => {
    expect(accepted(sql, tier).mode).toBe(mode);
  });

  it('keeps each statement as written, split outside strings and comments', () => {
    const run = accepted(
      "UPDATE orders SET note = 'x;y' WHERE id = 1; -- done;\nDELETE FROM orders WHERE id = 2",
      'DML',
    );
    expect(run.statements).toEqual([
      { kind: 'update', text: "UPDATE orders SET note = 'x;y' WHERE id = 1" },
      { kind: 'delete', text: '-- done;\nDELETE FROM orders WHERE id = 2' },
    ]);
  });

  it.each([
    ['UPDATE orders SET total = 0 WHERE id = 1', 'READ', 'UPDATE is outside the READ tier (it needs UPDATE)'],
    ['CREATE TABLE t (i INT)', 'DML', 'CREATE TABLE is outside the DML tier (it needs CREATE)'],
    ['UPDATE orders SET total = 0', 'DML', 'UPDATE needs a WHERE clause'],
    ['DELETE FROM orders', 'DML', 'DELETE needs a WHERE clause'],
    ['SELECT * FROM secret_keys', 'READ', '`secret_keys` is a protected table'],
    [
      'SELECT * FROM orders o JOIN customer_pii p ON p.id = o.id',
      'READ',
      '`customer_pii` is a protected table',
    ],
    [
      'SELECT * FROM orders WHERE id IN (SELECT id FROM `Secret_Keys`)',
      'READ',
      '`Secret_Keys` is a protected table',
    ],
    ['RENAME TABLE scratch TO secret_x', 'DDL', '`secret_x` is a protected table'],
    ['SELECT * FROM mysql.user', 'READ', 'the system schema `mysql` is never read by a run'],
    ['SELECT * FROM billing.invoices', 'READ', '`billing` is not a schema of this target (orders)'],
    ['SELECT SLEEP(10)', 'READ', 'SLEEP() is never run'],
    ["SELECT LOAD_FILE('/etc/passwd')", 'READ', 'LOAD_FILE() is never run'],
    ["SELECT * FROM orders INTO OUTFILE '/tmp/x'", 'READ', 'SELECT … INTO is never run'],
    ["LOAD DATA INFILE '/tmp/x' INTO TABLE orders", 'DML', 'LOAD DATA is never run'],
    ["GRANT ALL ON *.* TO 'x'@'%'", 'DDL', 'GRANT and REVOKE are never run'],
    ["SET PASSWORD = 'x'", 'DDL', 'SET is never run'],
    ['SELECT 1; SELECT 2', 'READ', 'an export runs one SELECT'],
    ['CREATE TABLE t (i INT); INSERT INTO t VALUES (1)', 'DDL', 'schema changes commit one by one'],
    ['SELECT /*!50000 SLEEP(1) */ 1', 'READ', 'executable comments'],
    ["SELECT 'unterminated", 'READ', 'the text ends inside a string'],
    ['', 'READ', 'there is no statement to run'],
  ] as const)('refuses %s in %s: %s', (sql, tier, message) => {
    expect(refusal(sql, tier)).toContain(message);
  });

  it("says where a text does not parse, in the parser's words", () => {
    expect(refusal('SELECT id FROM orders;\nSELEC 1', 'READ')).toMatch(
      /^does not parse \(line 2, column \d+\): Expected/,
    );
  });
});

describe('protected tables, whatever the statement', () => {
  const protectedName = fc
    .tuple(fc.constantFrom('secret_', 'SECRET_', 'Secret_'), fc.stringMatching(/^[a-z0-9_]{1,12}$/))
    .map(([a, b]) => a + b);
  const quoted = (name: string) =>
    fc.constantFrom(name, `\`${name}\``, `orders.${name}`, `\`orders\`.\`${name}\``);
  const statement = protectedName.chain((name) =>
    quoted(name).chain((ref) =>
      fc.constantFrom(
        `SELECT * FROM ${ref}`,
        `SELECT o.id FROM orders o JOIN ${ref} s ON s.id = o.id`,
        `SELECT * FROM orders WHERE id IN (SELECT id FROM ${ref})`,
        `SELECT (SELECT COUNT(*) FROM ${ref}) AS n`,
        `WITH x AS (SELECT * FROM ${ref}) SELECT * FROM x`,
        `SELECT * FROM orders UNION SELECT * FROM ${ref}`,
        `INSERT INTO orders SELECT * FROM ${ref}`,
        `UPDATE ${ref} SET a = 1 WHERE id = 1`,
        `UPDATE orders o JOIN ${ref} s ON s.id = o.id SET o.a = s.a WHERE o.id = 1`,
        `DELETE FROM ${ref} WHERE id = 1`,
        `CREATE TABLE copy AS SELECT * FROM ${ref}`,
        `CREATE INDEX i ON ${ref} (a)`,
        `ALTER TABLE ${ref} ADD COLUMN b INT`,
        `DROP TABLE ${ref}`,
        `RENAME TABLE orders TO ${ref}`,
        `TRUNCATE TABLE ${ref}`,
        `CREATE VIEW v AS SELECT * FROM ${ref}`,
      ),
    ),
  );

  it('is never accepted, in any tier', () => {
    fc.assert(
      fc.property(statement, fc.constantFrom<Tier>('READ', 'DML', 'DDL'), (sql, tier) => {
        expect(check(sql, tier).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('is never accepted behind comments, spacing or case either', () => {
    const disguised = fc
      .tuple(protectedName, fc.constantFrom(' ', '\n', '\t', ' /* x */ '))
      .map(([name, space]) => `select${space}*${space}from${space}${name}${space}where${space}1=1`);
    fc.assert(
      fc.property(disguised, (sql) => {
        expect(check(sql, 'DDL').ok).toBe(false);
      }),
    );
  });
});
