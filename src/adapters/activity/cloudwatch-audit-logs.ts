/**
 * Aurora MySQL advanced auditing exported to CloudWatch Logs (`/aws/rds/cluster/<cluster>/audit`) as an
 * ActivitySource: FilterLogEvents over the access window, filtered server-side to events holding the user
 * name, paginated; each event is one audit record (epoch-microsecond times). The records are then kept only
 * for the exact user and address.
 */
import { type CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { type ActivityWindow, recordsInWindow, recordsOfAccount } from '../../domain/activity.js';
import { type AuditRecord, parseAuditText } from '../../domain/audit-records.js';
import type { ActivitySource, CollectedRecords } from '../../domain/ports.js';
import type { DbAccountRef } from '../../domain/types.js';

/** A window's edges are widened by this much: CloudWatch's timestamps are the export's, not the statement's. */
const EDGE_MS = 60_000;

export class CloudwatchAuditLogs implements ActivitySource {
  readonly description: string;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly logGroupName: string,
    /** Events per page (FilterLogEvents' `limit`); CloudWatch's own (up to 10,000 or 1 MB) when absent. */
    private readonly pageSize?: number,
  ) {
    this.description = `cloudwatch-logs ${logGroupName}`;
  }

  /** CloudWatch is queried by time: there is no position to remember. */
  async position(): Promise<undefined> {
    return undefined;
  }

  async collect(account: DbAccountRef, window: ActivityWindow): Promise<CollectedRecords> {
    const records: AuditRecord[] = [];
    const pages = paginateFilterLogEvents(
      { client: this.client, ...(this.pageSize ? { pageSize: this.pageSize } : {}) },
      {
        logGroupName: this.logGroupName,
        startTime: Date.parse(window.from) - EDGE_MS,
        endTime: Date.parse(window.to) + EDGE_MS,
        // A quoted term: events that contain the user name (Drawbridge's names are [a-z0-9_]).
        filterPattern: `"${account.user}"`,
      },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const text = event.message ?? '';
        const parsed = parseAuditText(text.endsWith('\n') ? text : `${text}\n`).records;
        records.push(...recordsInWindow(recordsOfAccount(parsed, account), window, 0));
      }
    }
    return { records, utcOffsetMinutes: 0 };
  }
}
