/**
 * Activity evidence and the daily digest as plain lines: what the console, the Slack thread reply, the
 * digest and `drawbridge audit` show. Secrets never reach here (the summary holds none).
 */
import { type ActivityEvidence, type ActivitySummary, hasSummary, type ListedStatement } from './activity.js';
import type { Digest } from './digest.js';

const KIND_LABEL: Readonly<Record<ListedStatement['kind'], string>> = {
  read: 'read',
  write: 'write',
  ddl: 'DDL',
  other: 'other',
};

/** `2026-12-03T18:42:00.000Z` as `2026-12-03 18:42:00Z`; anything else as it is. */
export function shortTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : iso;
}

/** One line of counts: connections, statements by kind, failures. */
export function activityCounts(summary: ActivitySummary): string {
  const s = summary.statements;
  const total = s.read + s.write + s.ddl + s.other;
  const failed = summary.failures.length + summary.omitted.failures;
  const refused = summary.failedConnections > 0 ? `, ${summary.failedConnections} refused` : '';
  return `${summary.connections} connection(s)${refused}; ${total} statement(s): ${s.read} read, ${s.write} write, ${s.ddl} DDL, ${s.other} other; ${failed} failed`;
}

export function statementLine(s: ListedStatement): string {
  const error = s.error === undefined ? '' : `  [error ${s.error}]`;
  return `${shortTime(s.at)}  ${KIND_LABEL[s.kind].padEnd(5)}  ${s.statement.replace(/\s*\n\s*/g, ' ')}${error}`;
}

/** Every write and DDL statement, then the cap's note when some were left out. */
export function changeLines(summary: ActivitySummary): string[] {
  const lines = summary.changes.map(statementLine);
  if (summary.omitted.changes > 0)
    lines.push(
      `… and ${summary.omitted.changes} more write/DDL statement(s), not listed (the list keeps the first ${summary.changes.length})`,
    );
  return lines;
}

export function activityLines(evidence: ActivityEvidence): string[] {
  const span = `${shortTime(evidence.window.from)} – ${shortTime(evidence.window.to)}`;
  if (!hasSummary(evidence))
    return [`activity: not known (${evidence.unavailable}); source ${evidence.source}, ${span}`];
  const { summary } = evidence;
  const lines = [`activity: ${activityCounts(summary)}`, `  source ${evidence.source}, ${span}`];
  if (summary.firstStatementAt && summary.lastStatementAt)
    lines.push(
      `  first statement ${shortTime(summary.firstStatementAt)}, last ${shortTime(summary.lastStatementAt)}`,
    );
  const changes = changeLines(summary);
  if (changes.length > 0) lines.push('  writes and DDL:', ...changes.map((l) => `    ${l}`));
  if (summary.failures.length > 0) {
    lines.push('  failed statements:', ...summary.failures.map((s) => `    ${statementLine(s)}`));
    if (summary.omitted.failures > 0) lines.push(`    … and ${summary.omitted.failures} more`);
  }
  return lines;
}

export function digestLines(digest: Digest): string[] {
  const lines = [
    `Drawbridge digest ${shortTime(digest.since)} – ${shortTime(digest.until)}: ${digest.entries.length} request(s) ran writes or DDL`,
  ];
  for (const e of digest.entries) {
    const approvers = e.approvers.length > 0 ? e.approvers.join(', ') : 'nobody (auto or break-glass)';
    lines.push(
      '',
      `${e.requestId}  ${e.requester} → ${e.target} ${e.tier} (${e.state}); approved by ${approvers}`,
      `  reason: "${e.reason}"${e.ticket ? `  ticket: ${e.ticket}` : ''}`,
    );
    if (e.unavailable) lines.push(`  activity not known: ${e.unavailable}`);
    for (const c of e.changes) lines.push(`  ${statementLine(c)}`);
    if (e.omitted > 0) lines.push(`  … and ${e.omitted} more, not listed`);
  }
  if (digest.omittedEntries > 0)
    lines.push(
      '',
      `… and ${digest.omittedEntries} more request(s): drawbridge audit --since ${digest.since} lists them`,
    );
  if (digest.heads.length > 0) {
    lines.push(
      '',
      `chain heads (${digest.heads.length} histories changed; \`drawbridge audit --verify\` checks them):`,
    );
    for (const h of digest.heads) lines.push(`  ${h.requestId} ${h.events} ${h.head}`);
  }
  return lines;
}
