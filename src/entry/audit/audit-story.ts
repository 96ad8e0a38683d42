/**
 * One access's whole story as a reviewer reads it: who asked and why, who decided, what was granted, what
 * was executed, how it ended, and whether the record of it verifies.
 */
import type { ActivityEvidence } from '../../domain/activity.js';
import { activityLines, shortTime } from '../../domain/activity-text.js';
import type { AccessRequest } from '../../domain/types.js';
import type { Verification } from './verification.js';

export interface AuditStory {
  request: AccessRequest;
  verification: Verification;
  /** What the history records the access executed (the activity-recorded event). */
  activity?: ActivityEvidence;
  /** Read from the target's audit records now (`--activity`); nothing is written. */
  liveActivity?: ActivityEvidence;
  /** The tier's privileges and the tables never granted, as the current config says. */
  granted?: { privileges: string[]; protectedTables: string[] };
}

/** Write and DDL statements the history lists for the access (0 when no activity is recorded). */
export function changeCount(story: AuditStory): number | undefined {
  const a = story.activity;
  if (!a || !('summary' in a)) return undefined;
  return a.summary.statements.write + a.summary.statements.ddl;
}

export function verificationText(v: Verification): string {
  return `chain ${v.chain}; signature ${v.signature}${v.witness ? `; witness ${v.witness}` : ''}`;
}

export function decisionsText(r: AccessRequest): string {
  const decided = [...r.approvals, ...(r.denial ? [r.denial] : [])];
  if (decided.length === 0) return 'nobody';
  return decided
    .map((d) => `${d.verdict} by ${d.by} at ${shortTime(d.at)}${d.reason ? ` ("${d.reason}")` : ''}`)
    .join('; ');
}

export function endText(r: AccessRequest): string | undefined {
  const ended = r.events.find((e) => e.type === 'ended' || e.type === 'failed');
  if (!r.endedAt && !ended) return undefined;
  const details = (ended?.details ?? {}) as { removed?: string[]; lagging?: string[]; reason?: string };
  const parts = [
    `${shortTime(r.endedAt ?? ended?.at ?? '')} (${r.endReason ?? r.failure?.reason ?? r.state})`,
  ];
  if (details.removed?.length) parts.push(`removed: ${details.removed.join('; ')}`);
  if (details.lagging?.length) parts.push(`still to remove: ${details.lagging.join('; ')}`);
  if (r.failure?.leftovers.length) parts.push(`left behind: ${r.failure.leftovers.join('; ')}`);
  return parts.join('; ');
}

/** The story as lines of text (`audit --request <id>`). */
export function storyLines(story: AuditStory): string[] {
  const r = story.request;
  const lines = [`${r.id}  ${r.state.toUpperCase()}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  row(
    'asked',
    `${shortTime(r.requestedAt)} by ${r.requester.email} (${r.requester.slackUserId}, database user ${r.requester.dbUser})`,
  );
  row(
    'for',
    `${r.tier} on ${r.target} for ${r.durationSeconds}s — "${r.reason}"${r.ticket ? `  ticket ${r.ticket}` : ''}`,
  );
  if (r.breakGlass)
    row(
      'break-glass',
      `"${r.breakGlass.justification}"; reviewed by ${r.breakGlass.reviewedBy ?? 'NOBODY YET'}`,
    );
  row('decided', decisionsText(r));
  if (r.account) {
    const when = r.activatedAt ? ` from ${shortTime(r.activatedAt)}` : '';
    const until = r.expiresAt ? ` until ${shortTime(r.expiresAt)}` : '';
    row(
      'granted',
      `${r.account.user}@${r.account.host} through bastion ${r.bastionId ?? '?'}${when}${until}`,
    );
    if (story.granted)
      row(
        '',
        `privileges (current config): ${story.granted.privileges.join(', ')}; never: ${story.granted.protectedTables.join(', ') || '(no protected tables)'}`,
      );
    if (r.extensions.count > 0)
      row('', `extended ${r.extensions.count} time(s), ${r.extensions.totalSeconds}s in all`);
  }
  const executed = story.activity ? activityLines(story.activity) : undefined;
  if (executed)
    lines.push(
      ...executed.map((l, i) =>
        i === 0 ? `  executed   ${l.replace(/^activity: /, '')}` : `           ${l}`,
      ),
    );
  else if (r.account)
    row('executed', 'no activity recorded (no audit source for this target, or the access has not ended)');
  if (story.liveActivity)
    lines.push(
      ...activityLines(story.liveActivity).map((l, i) =>
        i === 0 ? `  read now   ${l.replace(/^activity: /, '')}` : `           ${l}`,
      ),
    );
  const ended = endText(r);
  if (ended) row('ended', ended);
  row('history', verificationText(story.verification));
  lines.push('  events:');
  for (const e of r.events)
    lines.push(
      `    ${e.at}  ${e.actor.padEnd(12)} ${e.from} → ${e.to}  ${e.type}${e.details && e.type !== 'activity-recorded' ? `  ${JSON.stringify(e.details)}` : ''}`,
    );
  return lines;
}
