/** Extensions in the approval thread: the request with its own Approve / Deny, and the outcome. */
import type { KnownBlock } from '@slack/types';
import type { AccessRequest } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { durationLabel } from './duration-options.js';
import { actions, button, context, fallback, type SlackMessage, section } from './kit.js';
import { code, escapeMrkdwn, mention, slackDate } from './text.js';

export const EXTENSION_ACTIONS_BLOCK = 'drawbridge_extension_actions';

export function extensionRequestMessage(
  request: AccessRequest,
  ctx: { approvalsRequired?: number } = {},
): SlackMessage {
  const pending = request.pendingExtension;
  const target = escapeMrkdwn(request.target);
  if (!pending) {
    return {
      text: fallback(`No extension of ${code(request.id)} is waiting.`),
      blocks: [section(`No extension of ${code(request.id)} on *${target}* is waiting for a decision.`)],
    };
  }
  const newEnd = request.expiresAt
    ? ` — until ${slackDate(new Date(Date.parse(request.expiresAt) + pending.seconds * 1000).toISOString())}`
    : '';
  const required = Math.max(ctx.approvalsRequired ?? 1, pending.approvals.length);
  const blocks: KnownBlock[] = [
    section(
      `:hourglass: ${mention(pending.requestedBy)} asks to extend ${request.tier} access to *${target}* ` +
        `(${code(request.id)}) by ${durationLabel(pending.seconds)}${newEnd}.`,
    ),
  ];
  if (pending.approvals.length > 0) {
    blocks.push(
      context(
        pending.approvals
          .slice(0, 10)
          .map((d, i) => `:white_check_mark: Approved by ${mention(d.by)} — ${i + 1} of ${required}`)
          .join('\n'),
      ),
    );
  }
  blocks.push(
    actions(EXTENSION_ACTIONS_BLOCK, [
      button({
        text: 'Approve extension',
        actionId: ACTION.approveExtension,
        value: request.id,
        style: 'primary',
      }),
      button({ text: 'Deny extension', actionId: ACTION.denyExtension, value: request.id, style: 'danger' }),
    ]),
  );
  return {
    text: fallback(
      `${mention(pending.requestedBy)} asks to extend access to ${target} by ${durationLabel(pending.seconds)}.`,
    ),
    blocks,
  };
}

/**
 * The outcome of an extension, for the thread and the requester. Who decided (and by how much, when
 * approved) comes from the last extension event in the history.
 */
export function extensionDecidedMessage(request: AccessRequest, verdict: 'approve' | 'deny'): SlackMessage {
  const type = verdict === 'approve' ? 'extended' : 'extension-denied';
  const event = [...request.events].reverse().find((e) => e.type === type);
  const by = event ? ` by ${mention(event.actor)}` : '';
  const seconds = typeof event?.details?.seconds === 'number' ? event.details.seconds : undefined;
  const until = request.expiresAt ? slackDate(request.expiresAt) : 'the planned time';
  const target = escapeMrkdwn(request.target);
  const line =
    verdict === 'approve'
      ? `:white_check_mark: Extension${seconds ? ` of ${durationLabel(seconds)}` : ''} approved${by}: ` +
        `access to *${target}* (${code(request.id)}) now runs until ${until}.`
      : `:no_entry: Extension denied${by}: access to *${target}* (${code(request.id)}) still ends ${until}.`;
  return { text: fallback(line), blocks: [section(line)] };
}
