/** Lines that say how access ended or why it failed, shared by the approval message and the DMs. */
import type { AccessRequest } from '../../domain/types.js';
import { mention, slackDate, userText } from './text.js';

const SHOWN_ITEMS = 15;
const ITEM_ROOM = 200;

/** A bullet list of system-reported items (what teardown removed, what compensation left behind). */
export function bulletList(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_ITEMS).map((item) => `• ${userText(item, ITEM_ROOM)}`);
  if (items.length > SHOWN_ITEMS) shown.push(`• … and ${items.length - SHOWN_ITEMS} more`);
  return shown.join('\n');
}

/** Why access ended, in words: `expired` and `ended-by:U…` are the reasons the use cases record. */
export function endReasonText(reason: string | undefined): string {
  if (reason === undefined || reason === '') return 'ended';
  if (reason === 'expired') return 'the time ran out';
  // The use cases write the approver's id into the reason ("ended by approver U…"): show it as a mention.
  return userText(reason, 300).replace(/\b([UW][A-Z0-9]{8,})\b/g, (id) => mention(id));
}

export function endStatus(request: AccessRequest, removed?: readonly string[]): string {
  const when = request.endedAt ? ` ${slackDate(request.endedAt)}` : '';
  const lines = [`:checkered_flag: *Ended*${when} — ${endReasonText(request.endReason)}.`];
  if (removed && removed.length > 0) lines.push(`Removed:\n${bulletList(removed)}`);
  return lines.join('\n');
}

export function failureStatus(request: AccessRequest): string {
  const failure = request.failure;
  if (!failure) return ':boom: *Failed*.';
  const lines = [
    `:boom: *Failed* at step \`${userText(failure.step, 60)}\`: ${userText(failure.reason, 1000)}`,
  ];
  lines.push(
    failure.leftovers.length === 0
      ? 'Everything that was set up has been removed.'
      : `:warning: Could not be removed (the platform team must clean these up):\n${bulletList(failure.leftovers)}`,
  );
  return lines.join('\n');
}

/** A few words on where a request stands, for lists. */
export function shortState(request: AccessRequest): string {
  switch (request.state) {
    case 'requested':
      return `waiting for approval (expires ${slackDate(request.approvalDeadline)})`;
    case 'approved':
    case 'provisioning':
      return 'being set up';
    case 'active':
    case 'warned':
      return request.expiresAt ? `active until ${slackDate(request.expiresAt)}` : 'active';
    case 'ending':
      return 'ending';
    case 'ended':
      return request.endedAt ? `ended ${slackDate(request.endedAt)}` : 'ended';
    case 'denied':
      return 'denied';
    case 'expired':
      return 'expired without a decision';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
  }
}
