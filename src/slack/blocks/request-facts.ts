/** The facts of a request as every surface shows them: who, what, how long, why. */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import { TIER_DESCRIPTIONS } from '../../domain/tiers.js';
import type { AccessRequest } from '../../domain/types.js';
import { fields, section } from './kit.js';
import { code, escapeMrkdwn, link, mention, userText } from './text.js';

/** Room left for the reason in one section: the label and a ticket line fit beside it. */
const REASON_ROOM = 2400;
const JUSTIFICATION_ROOM = 1500;

export function requesterText(request: AccessRequest): string {
  return `${mention(request.requester.slackUserId)} (${userText(request.requester.email, 254)})`;
}

export function tierText(request: AccessRequest): string {
  return `${request.tier} — ${escapeMrkdwn(TIER_DESCRIPTIONS[request.tier])}`;
}

/** `orders-prod · READ · 1h` */
export function shortSummary(request: AccessRequest): string {
  return `${escapeMrkdwn(request.target)} · ${request.tier} · ${formatDuration(request.durationSeconds)}`;
}

/** Requester, target, tier, duration and id as two columns, then the reason and the ticket link. */
export function requestFacts(request: AccessRequest): KnownBlock[] {
  const blocks: KnownBlock[] = [
    fields([
      ['Requester', requesterText(request)],
      ['Target', escapeMrkdwn(request.target)],
      ['Tier', tierText(request)],
      ['Duration', formatDuration(request.durationSeconds)],
      ['Request', code(request.id)],
    ]),
  ];
  const ticket = request.ticket ? `\n*Ticket* ${link(request.ticket)}` : '';
  blocks.push(section(`*Reason*\n${userText(request.reason, REASON_ROOM) || '_none given_'}${ticket}`));
  return blocks;
}

/** The break-glass flag: self-approved, why, and whether an approver has reviewed it yet. */
export function breakGlassText(request: AccessRequest): string | undefined {
  const glass = request.breakGlass;
  if (!glass) return undefined;
  const review =
    glass.reviewedBy !== undefined
      ? `Reviewed by ${mention(glass.reviewedBy)}.`
      : 'Waiting for an approver to review it after the fact.';
  return (
    `:rotating_light: *Break-glass*: ${mention(request.requester.slackUserId)} approved their own request.\n` +
    `*Justification* ${userText(glass.justification, JUSTIFICATION_ROOM)}\n${review}`
  );
}
