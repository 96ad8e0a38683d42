import { describe, expect, it } from 'vitest';
import type { ActivityEvidence, ListedStatement } from '../../../src/domain/activity.js';
import { buildDigest } from '../../../src/domain/digest.js';
import { activityMessage, digestMessage, snippet } from '../../../src/slack/blocks/activity-messages.js';
import { anEvent, aRequest } from '../../support/request-builder.js';
import { allMrkdwn, expectWithinLimits } from './inspect.js';

const change = (statement: string, i = 0): ListedStatement => ({
  at: `2030-01-02T03:${String(10 + (i % 50)).padStart(2, '0')}:00.000Z`,
  kind: 'write',
  statement,
});

const evidence = (changes: ListedStatement[], omitted = 0): ActivityEvidence => ({
  source: 'mariadb-audit /var/lib/mysql/server_audit.log',
  window: { from: '2030-01-02T03:04:05.000Z', to: '2030-01-02T04:04:05.000Z' },
  summary: {
    connections: 1,
    failedConnections: 0,
    statements: { read: 2, write: changes.length + omitted, ddl: 0, other: 0 },
    changes,
    failures: [],
    omitted: { changes: omitted, failures: 0 },
  },
});

describe('the activity thread reply', () => {
  it('shows the counts and every write in a code block that no statement can close or break out of', () => {
    const message = activityMessage(
      aRequest({ state: 'ended' }),
      evidence([change("UPDATE t SET a = '```<@U0ALL> & <!channel>' WHERE id = 1")]),
    );
    expectWithinLimits(message.blocks, 50);
    const text = allMrkdwn(message.blocks);
    expect(text).toContain('1 connection(s); 3 statement(s): 2 read, 1 write, 0 DDL, 0 other; 0 failed');
    expect(text).toContain('&lt;@U0ALL&gt; &amp; &lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    // The only fences are the block's own: a run of backticks inside is broken up.
    expect(text.match(/```/g)).toHaveLength(2);
  });

  it('keeps a long list within a section, says how many lines it left out, and states the cap', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      change(`DELETE FROM t WHERE id = ${i} AND note = '${'x'.repeat(40)}'`, i),
    );
    const message = activityMessage(aRequest({ state: 'ended' }), evidence(many, 25));
    expectWithinLimits(message.blocks, 50);
    const text = allMrkdwn(message.blocks);
    expect(text).toMatch(/… \d+ more line\(s\): drawbridge audit --request shows them all/);
    expect(snippet(['a', 'b'])).toBe('```a\nb```');
  });

  it('says when the activity is not known, and why', () => {
    const message = activityMessage(aRequest({ state: 'ended' }), {
      source: 'cloudwatch-logs /aws/rds/cluster/x/audit',
      window: { from: '2030-01-02T03:04:05.000Z', to: '2030-01-02T04:04:05.000Z' },
      unavailable: 'AccessDeniedException',
    });
    expect(allMrkdwn(message.blocks)).toContain(
      'not known — the audit records could not be read (AccessDeniedException)',
    );
  });
});

describe('the digest message', () => {
  it('stays within Slack limits with many requests, and says when nothing ran', () => {
    const requests = Array.from({ length: 60 }, (_, i) => {
      const first = anEvent({ at: '2030-01-02T03:00:00.000Z' });
      const recorded = anEvent(
        {
          at: '2030-01-02T04:00:00.000Z',
          type: 'activity-recorded',
          from: 'ended',
          to: 'ended',
          details: evidence([change(`UPDATE t SET i = ${i}`)]),
        },
        [first],
      );
      return aRequest({ state: 'ended', events: [first, recorded] });
    });
    const digest = buildDigest(requests, new Date('2030-01-01T12:00:00Z'), new Date('2030-01-02T12:00:00Z'));
    expect(digest.entries).toHaveLength(40);
    expect(digest.omittedEntries).toBe(20);
    const message = digestMessage(digest);
    expectWithinLimits(message.blocks, 50);
    expect(allMrkdwn(message.blocks)).toContain('more');
    const quiet = digestMessage(
      buildDigest([], new Date('2030-01-01T12:00:00Z'), new Date('2030-01-02T12:00:00Z')),
    );
    expect(allMrkdwn(quiet.blocks)).toContain('Nothing ran through Drawbridge in this period.');
  });
});
