import {
  type ActivityWindow,
  DEFAULT_ACTIVITY_OPTIONS,
  recordsInWindow,
  recordsOfAccount,
} from '../../src/domain/activity.js';
import type { AuditRecord } from '../../src/domain/audit-records.js';
import type { ActivitySource, ActivitySources, CollectedRecords } from '../../src/domain/ports.js';
import type { DbAccountRef } from '../../src/domain/types.js';

/** Audit records kept in memory for every target (UTC times); `failure` makes collecting throw. */
export class FakeActivity implements ActivitySources, ActivitySource {
  readonly description = 'fake audit log';
  records: AuditRecord[] = [];
  failure: Error | undefined;
  /** Targets without a source (`activity: none`). */
  readonly without = new Set<string>();
  positions = 0;

  forTarget(target: string) {
    return this.without.has(target) ? undefined : { source: this, options: DEFAULT_ACTIVITY_OPTIONS };
  }

  async position(): Promise<string> {
    this.positions++;
    return `at-${this.records.length}`;
  }

  async collect(account: DbAccountRef, window: ActivityWindow, from?: string): Promise<CollectedRecords> {
    if (this.failure) throw this.failure;
    const start = from ? Number(from.slice(3)) : 0;
    const records = recordsInWindow(recordsOfAccount(this.records.slice(start), account), window, 0);
    return { records, utcOffsetMinutes: 0 };
  }
}
