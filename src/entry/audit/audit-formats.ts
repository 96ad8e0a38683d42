/** The audit as a table, CSV (RFC 4180), JSON or JSON Lines. */
import { csvField as exportCsvField } from '../../adapters/mysql/run-executor.js';
import { shortTime } from '../../domain/activity-text.js';
import type { AuditFormat } from './audit-options.js';
import { type AuditStory, changeCount, decisionsText, storyLines } from './audit-story.js';

const COLUMNS = [
  'id',
  'requested',
  'requester',
  'target',
  'tier',
  'state',
  'decisions',
  'reason',
  'ticket',
  'ended',
  'writes_ddl',
  'verified',
] as const;

function row(story: AuditStory): Record<(typeof COLUMNS)[number], string> {
  const r = story.request;
  const changes = changeCount(story);
  return {
    id: r.id,
    requested: r.requestedAt,
    requester: r.requester.email,
    target: r.target,
    tier: r.tier,
    state: r.state,
    decisions: decisionsText(r),
    reason: r.reason,
    ticket: r.ticket ?? '',
    ended: r.endedAt ?? '',
    writes_ddl: changes === undefined ? '' : String(changes),
    verified: story.verification.ok ? 'yes' : 'NO',
  };
}

/**
 * One CSV field, as run exports write them (RFC 4180); a field a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, carriage return first) is prefixed with `'` first.
 */
export function csvField(value: string): string {
  return exportCsvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function table(stories: readonly AuditStory[]): string {
  if (stories.length === 0) return 'no requests match\n';
  const lines = stories.map((s) => {
    const r = s.request;
    const changes = changeCount(s);
    return [
      r.id,
      shortTime(r.requestedAt),
      r.requester.email,
      `${r.target} ${r.tier}`,
      r.state.toUpperCase(),
      changes === undefined ? '-' : `${changes} write/DDL`,
      s.verification.ok ? 'verified' : 'NOT VERIFIED',
      `"${r.reason}"${r.ticket ? ` ${r.ticket}` : ''}`,
    ].join('  ');
  });
  return `${lines.join('\n')}\n`;
}

export function formatStories(stories: readonly AuditStory[], format: AuditFormat, one: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(stories, null, 2)}\n`;
    case 'jsonl':
      return stories.map((s) => `${JSON.stringify(s)}\n`).join('');
    case 'csv':
      return [COLUMNS.join(','), ...stories.map((s) => COLUMNS.map((c) => csvField(row(s)[c])).join(','))]
        .map((l) => `${l}\r\n`)
        .join('');
    case 'table':
      return one ? `${stories.flatMap(storyLines).join('\n')}\n` : table(stories);
  }
}
