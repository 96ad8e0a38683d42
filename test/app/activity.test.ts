import { describe, expect, it } from 'vitest';
import { recordActivity } from '../../src/app/record-activity.js';
import { sweep } from '../../src/app/sweep.js';
import { teardownAccess } from '../../src/app/teardown-access.js';
import type { ActivityEvidence } from '../../src/domain/activity.js';
import type { AuditRecord } from '../../src/domain/audit-records.js';
import { activated, harness } from '../fakes/harness.js';

/** A MariaDB-style record at the harness clock's time (the fake source's server runs on UTC). */
function record(
  at: Date,
  user: string,
  host: string,
  operation: string,
  object = '',
  retcode = 0,
): AuditRecord {
  const iso = at.toISOString();
  const time = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
  return {
    time,
    serverHost: 'db',
    user,
    host,
    connectionId: 9,
    queryId: 1,
    operation,
    database: 'orders',
    object,
    retcode,
  };
}

const evidenceOf = (events: { type: string; details?: unknown }[]) =>
  events.find((e) => e.type === 'activity-recorded')?.details as ActivityEvidence | undefined;

describe('activity evidence', () => {
  it('is appended once the access has ended, as one hash-chained event, and posted to the approval thread', async () => {
    const h = harness();
    const id = await activated(h);
    const live = await h.store.get(id);
    const { user, host } = live?.account ?? { user: '', host: '' };
    expect(live?.activityFrom).toBe('at-0');
    h.clock.advance(60);
    h.activity.records.push(
      record(h.clock.now(), user, host, 'CONNECT'),
      record(h.clock.now(), user, host, 'QUERY', 'SELECT * FROM orders'),
      record(h.clock.now(), user, host, 'QUERY', "UPDATE orders SET state = 'x' WHERE id = 7"),
      record(h.clock.now(), user, host, 'QUERY', 'CREATE TABLE scratch (i INT)'),
      record(h.clock.now(), user, host, 'QUERY', 'SELECT * FROM secret_keys', 1142),
      // Somebody else, and the same user from another address: neither is this access's.
      record(h.clock.now(), 'someone_else', host, 'QUERY', 'DELETE FROM orders'),
      record(h.clock.now(), user, '10.9.9.9', 'QUERY', 'DROP TABLE orders'),
    );
    h.clock.advance(60);

    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    const ended = await h.store.get(id);
    expect(ended?.events.map((e) => e.type).slice(-2)).toEqual(['ended', 'activity-recorded']);
    const evidence = evidenceOf(ended?.events ?? []);
    expect(evidence).toMatchObject({
      source: 'fake audit log',
      summary: {
        connections: 1,
        statements: { read: 2, write: 1, ddl: 1, other: 0 },
        changes: [
          { kind: 'write', statement: "UPDATE orders SET state = 'x' WHERE id = 7" },
          { kind: 'ddl', statement: 'CREATE TABLE scratch (i INT)' },
        ],
        failures: [{ statement: 'SELECT * FROM secret_keys', error: 1142 }],
      },
    });
    const posted = h.notifier.sent.filter((n) => n.kind === 'activity');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ request: { id }, evidence });
  });

  it('records an unreadable source as unknown activity; access ends all the same', async () => {
    const h = harness();
    const id = await activated(h);
    h.activity.failure = new Error('EACCES: permission denied, open server_audit.log');
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    expect(h.db.accounts.size).toBe(0);
    expect(evidenceOf((await h.store.get(id))?.events ?? [])).toMatchObject({
      unavailable: expect.stringContaining('EACCES'),
    });
  });

  it('is recorded once, and not at all for a target without a source', async () => {
    const h = harness();
    const id = await activated(h);
    await teardownAccess(h.deps, id, 'system', 'expired');
    await recordActivity(h.deps, id);
    const events = (await h.store.get(id))?.events ?? [];
    expect(events.filter((e) => e.type === 'activity-recorded')).toHaveLength(1);

    const quiet = harness();
    quiet.activity.without.add('prod');
    const other = await activated(quiet);
    await teardownAccess(quiet.deps, other, 'system', 'expired');
    const history = (await quiet.store.get(other))?.events ?? [];
    expect(history.map((e) => e.type)).not.toContain('activity-recorded');
    expect(quiet.activity.positions).toBe(0);
  });

  it('lost at teardown (the store failed on that write), is recorded by the next sweep', async () => {
    const h = harness();
    const id = await activated(h);
    h.store.beforeUpdate = async (next) => {
      if (next.events.at(-1)?.type === 'activity-recorded') throw new Error('store unreachable');
    };
    expect((await teardownAccess(h.deps, id, 'system', 'expired')).outcome).toBe('ended');
    expect((await h.store.get(id))?.events.map((e) => e.type)).not.toContain('activity-recorded');
    h.store.beforeUpdate = undefined;
    const report = await sweep(h.deps);
    expect(report.activityRecorded).toEqual([id]);
    expect((await h.store.get(id))?.events.at(-1)?.type).toBe('activity-recorded');
    expect((await sweep(h.deps)).activityRecorded).toEqual([]);
  });
});
