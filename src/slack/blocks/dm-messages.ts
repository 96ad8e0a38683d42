/** The requester's other DMs, and short notes for the approval thread. None of them holds a password. */
import type { KnownBlock } from '@slack/types';
import type { AccessRequest } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { endNowButton } from './access-message.js';
import { durationLabel } from './duration-options.js';
import { actions, button, context, fallback, type SlackMessage, section } from './kit.js';
import { shortSummary } from './request-facts.js';
import { endStatus, failureStatus } from './status-text.js';
import { code, escapeMrkdwn, mention, slackDate, userText } from './text.js';

export const WARNING_ACTIONS_BLOCK = 'drawbridge_warning_actions';

const about = (request: AccessRequest) => `${code(request.id)} (${shortSummary(request)})`;

/** Sent ten minutes before expiry: Extend and End now while access is live. */
export function warningMessage(request: AccessRequest): SlackMessage {
  const target = escapeMrkdwn(request.target);
  const ends = request.expiresAt ? slackDate(request.expiresAt, '{time} ({ago})') : 'soon';
  const blocks: KnownBlock[] = [
    section(`:hourglass: Your ${request.tier} access to *${target}* ends ${ends}.`),
  ];
  if (request.state === 'active' || request.state === 'warned') {
    const pending = request.pendingExtension;
    if (pending) {
      blocks.push(context(`An extension of ${durationLabel(pending.seconds)} is waiting for approval.`));
      blocks.push(actions(WARNING_ACTIONS_BLOCK, [endNowButton(request.id)]));
    } else {
      blocks.push(
        actions(WARNING_ACTIONS_BLOCK, [
          button({ text: 'Extend', actionId: ACTION.extend, value: request.id, style: 'primary' }),
          endNowButton(request.id),
        ]),
      );
    }
  }
  return { text: fallback(`Your access to ${target} ends soon.`), blocks };
}

export function endedMessage(request: AccessRequest, removed: readonly string[] = []): SlackMessage {
  return {
    text: fallback(`Your access to ${escapeMrkdwn(request.target)} has ended.`),
    blocks: [section(`Access ${about(request)}:\n${endStatus(request, removed)}`)],
  };
}

/** For the requester and the approval thread alike: what failed, and whether anything was left behind. */
export function failedMessage(request: AccessRequest): SlackMessage {
  return {
    text: fallback(
      `Access to ${escapeMrkdwn(request.target)} for ${mention(request.requester.slackUserId)} failed.`,
    ),
    blocks: [
      section(
        `Access ${about(request)} for ${mention(request.requester.slackUserId)} could not be set up.\n${failureStatus(request)}`,
      ),
    ],
  };
}

export function deniedMessage(request: AccessRequest): SlackMessage {
  const by = request.denial ? ` by ${mention(request.denial.by)}` : '';
  const why = request.denial?.reason ? `: ${userText(request.denial.reason, 1000)}` : '.';
  return {
    text: fallback(`Your request for ${escapeMrkdwn(request.target)} was denied.`),
    blocks: [section(`:no_entry: Your request ${about(request)} was denied${by}${why}`)],
  };
}

export function expiredMessage(request: AccessRequest, command = '/bastion'): SlackMessage {
  return {
    text: fallback(`Your request for ${escapeMrkdwn(request.target)} expired without a decision.`),
    blocks: [
      section(
        `:hourglass: Your request ${about(request)} expired: no approver decided before ` +
          `${slackDate(request.approvalDeadline)}. Ask again with ${code(command)} if you still need access.`,
      ),
    ],
  };
}

/** Something needs a person (a drop that failed, an orphan found): to the approval channel or thread. */
export function alertMessage(text: string, request?: AccessRequest): SlackMessage {
  const blocks: KnownBlock[] = [section(`:rotating_light: *Drawbridge alert*\n${userText(text, 2800)}`)];
  if (request) {
    blocks.push(context(`Request ${about(request)} of ${mention(request.requester.slackUserId)}`));
  }
  return { text: fallback(`Drawbridge alert: ${userText(text, 300)}`), blocks };
}

/** A short reply in the approval thread. */
export function threadNote(text: string): SlackMessage {
  const shown = userText(text, 2900);
  return { text: fallback(shown), blocks: [section(shown)] };
}
