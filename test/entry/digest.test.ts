/**
 * The daily digest in local mode: the local daily timer fires at the configured time, and the digest goes
 * through the outbox and the Slack notifier to the Slack stub's security channel — every write and DDL of the
 * last 24 h grouped by request (requester, approver, reason, ticket) and every changed history's chain head.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEvidence } from '../../src/domain/activity.js';
import { buildDigest, nextDailyAt } from '../../src/domain/digest.js';
import type { AccessRequest } from '../../src/domain/types.js';
import { startLocalApp } from '../../src/entry/local-app.js';
import { slackAdapters } from '../../src/entry/slack-wiring.js';
import { localTestConfig } from '../support/local-config.js';
import { anEvent, aRequest } from '../support/request-builder.js';
import { type SlackStub, silentSlackLogger, startSlackStub } from '../support/slack-stub.js';

const TARGET = `dg${process.pid}`.slice(0, 20);
let slack: SlackStub;
beforeAll(async () => {
  slack = await startSlackStub();
});
afterAll(async () => slack.close());

/** An ended request whose history holds `evidence`, ended `hoursAgo` before `now`. */
function endedWith(now: Date, hoursAgo: number, evidence: ActivityEvidence): AccessRequest {
  const at = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();
  const first = anEvent({ at: at(hoursAgo + 1), actor: 'U0REQUESTER' });
  const approved = anEvent(
    { at: at(hoursAgo + 0.9), actor: 'U0APPROVER1', type: 'approved', to: 'approved' },
    [first],
  );
  const ended = anEvent({ at: at(hoursAgo), type: 'ended', from: 'ending', to: 'ended' }, [first, approved]);
  const activity = anEvent(
    { at: at(hoursAgo), type: 'activity-recorded', from: 'ended', to: 'ended', details: evidence },
    [first, approved, ended],
  );
  return aRequest({
    state: 'ended',
    target: TARGET,
    requestedAt: at(hoursAgo + 1),
    endedAt: at(hoursAgo),
    dueAt: at(hoursAgo),
    ticket: 'OPS-77',
    approvals: [{ by: 'U0APPROVER1', at: at(hoursAgo + 0.9), verdict: 'approve' }],
    events: [first, approved, ended, activity],
    version: 4,
  });
}

const evidence = (at: string, statement: string): ActivityEvidence => ({
  source: 'mariadb-audit /var/lib/mysql/server_audit.log',
  window: { from: at, to: at },
  summary: {
    connections: 1,
    failedConnections: 0,
    statements: { read: 3, write: 1, ddl: 0, other: 0 },
    changes: [{ at, kind: 'write', statement }],
    failures: [],
    omitted: { changes: 0, failures: 0 },
  },
});

describe('the daily digest', () => {
  it('is due at the next configured minute of the day, UTC', () => {
    expect(nextDailyAt(new Date('2026-12-04T07:59:00Z'), 480).toISOString()).toBe('2026-12-04T08:00:00.000Z');
    expect(nextDailyAt(new Date('2026-12-04T08:00:00Z'), 480).toISOString()).toBe('2026-12-05T08:00:00.000Z');
  });

  it('lists only the last 24 hours, caps each request and says so', () => {
    const now = new Date('2026-12-04T08:00:00Z');
    const recent = endedWith(
      now,
      2,
      evidence(new Date(now.getTime() - 2 * 3600_000).toISOString(), 'DELETE FROM t WHERE id = 1'),
    );
    const old = endedWith(
      now,
      30,
      evidence(new Date(now.getTime() - 30 * 3600_000).toISOString(), 'DROP TABLE t'),
    );
    const digest = buildDigest([recent, old], new Date(now.getTime() - 24 * 3600_000), now);
    expect(digest.entries.map((e) => e.requestId)).toEqual([recent.id]);
    expect(digest.heads).toEqual([{ requestId: recent.id, events: 4, head: recent.events.at(-1)?.hash }]);
  });

  it('fires on the local timer and reaches the security channel through Slack', async () => {
    // A clock four seconds before 08:00 UTC, running at the real pace: room for a slow start before it fires.
    const real = Date.now();
    const eight = Date.UTC(2026, 11, 4, 8, 0, 0);
    const clock = { now: () => new Date(eight - 4000 + (Date.now() - real)) };
    const base = localTestConfig({ target: TARGET, schema: 'unused', sourceNetwork: '127.80.0.0/16' });
    const config = {
      ...base,
      digest: { channel: 'C0SECURITY', atMinuteOfDay: 480 },
      targets: base.targets.map((t) => ({ ...t, approvalChannel: 'C0APPROVALS' })),
    };
    const adapters = slackAdapters(config, 'xoxb-test', silentSlackLogger(), slack.url);
    const app = await startLocalApp(config, {
      notifier: adapters.notifier,
      directory: adapters.directory,
      clock,
      startup: true,
      logger: { info() {}, warn() {}, error() {} },
    });
    try {
      expect(app.digest?.next().toISOString()).toBe('2026-12-04T08:00:00.000Z');
      const request = endedWith(
        clock.now(),
        3,
        evidence(
          new Date(eight - 3 * 3600_000).toISOString(),
          "UPDATE orders SET state = 'void' WHERE id = 9",
        ),
      );
      await app.store.create(request);

      const post = await slack.waitFor('chat.postMessage', (c) => c.args.channel === 'C0SECURITY', 15_000);
      const text = JSON.stringify(post.args.blocks);
      expect(text).toContain("UPDATE orders SET state = 'void' WHERE id = 9");
      expect(text).toContain(request.id);
      expect(text).toContain('ada.lovelace@example.com');
      expect(text).toContain('U0APPROVER1');
      expect(text).toContain('investigate order 4711');
      expect(text).toContain('OPS-77');
      const stored = await app.store.get(request.id);
      expect(text).toContain(String(stored?.events.at(-1)?.hash));
      expect(app.digest?.next().toISOString()).toBe('2026-12-05T08:00:00.000Z');
    } finally {
      await app.close();
    }
  });
});
