/**
 * Aurora's advanced-auditing export read back from moto_server's CloudWatch Logs: audit lines written by the
 * test (epoch-microsecond times, quoted statements with commas and newlines) into two streams, more than
 * one page of them, read for one account and window.
 */
import { randomBytes } from 'node:crypto';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CloudwatchAuditLogs } from '../../src/adapters/activity/cloudwatch-audit-logs.js';
import { type AuditRecord, formatAuditRecord } from '../../src/domain/audit-records.js';
import { describeOnMoto, motoClientConfig } from './moto.js';

const REGION = 'eu-west-1';
const account = { user: 'ada_lovelace', host: '10.0.1.5' };
const start = Date.parse('2026-12-04T10:00:00.000Z');

const message = (at: number, object: string, over: Partial<AuditRecord> = {}) =>
  formatAuditRecord({
    time: String(at * 1000),
    serverHost: 'orders-prod-instance-1',
    user: account.user,
    host: account.host,
    connectionId: 31,
    queryId: 7,
    operation: 'QUERY',
    database: 'orders',
    object,
    retcode: 0,
    ...over,
  });

describeOnMoto('CloudWatch Logs audit export on moto_server', () => {
  const client = new CloudWatchLogsClient(motoClientConfig(REGION));
  const group = `/aws/rds/cluster/orders-${randomBytes(3).toString('hex')}/audit`;

  beforeAll(async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const stream of ['instance-1', 'instance-2'])
      await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    // Many reads first (more than a page), then the writes this test looks for.
    const reads = Array.from({ length: 120 }, (_, i) => ({
      timestamp: start + 1000 + i,
      message: message(start + 1000 + i, `SELECT ${i}`),
    }));
    await client.send(
      new PutLogEventsCommand({ logGroupName: group, logStreamName: 'instance-1', logEvents: reads }),
    );
    await client.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'instance-2',
        logEvents: [
          {
            timestamp: start + 5000,
            message: message(start + 5000, "UPDATE t SET note = 'a, b\nc' WHERE id = 1"),
          },
          {
            timestamp: start + 6000,
            message: message(start + 6000, 'DELETE FROM t WHERE id = 2', { host: '10.0.9.9' }),
          },
          { timestamp: start + 7000, message: message(start + 7000, 'DROP TABLE t', { user: 'bob' }) },
          { timestamp: start + 7_200_000, message: message(start + 7_200_000, 'TRUNCATE t') },
        ],
      }),
    );
  });
  afterAll(() => client.destroy());

  it('returns every record of the account in the window, across streams and pages', async () => {
    const source = new CloudwatchAuditLogs(client, group, 50); // three pages
    const window = { from: new Date(start).toISOString(), to: new Date(start + 3_600_000).toISOString() };
    const { records, utcOffsetMinutes } = await source.collect(account, window);
    expect(utcOffsetMinutes).toBe(0);
    expect(records).toHaveLength(121);
    expect(records.map((r) => r.object)).toContain("UPDATE t SET note = 'a, b\nc' WHERE id = 1");
    expect(records.map((r) => r.object)).not.toContain('TRUNCATE t');
    expect(records.every((r) => r.user === account.user && r.host === account.host)).toBe(true);
    await expect(source.position()).resolves.toBeUndefined();
  });
});
