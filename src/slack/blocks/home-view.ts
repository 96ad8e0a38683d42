/**
 * App Home: the user's live and pending requests (with Show credentials / End now where active) and, for
 * approvers, the requests waiting on them with Approve / Deny. The buttons are the same as in the DMs and
 * the approval message, so the same listeners answer them.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { AccessRequest } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { endNowButton, showCredentialsButton } from './access-message.js';
import { actions, button, capBlocks, context, divider, header, section } from './kit.js';
import { SLACK_LIMITS } from './limits.js';
import { requesterText, shortSummary } from './request-facts.js';
import { shortState } from './status-text.js';
import { code, mention, userText } from './text.js';

export interface HomeInput {
  userId: string;
  /** The user's own requests, newest first; only live and pending ones are shown. */
  mine: readonly AccessRequest[];
  /** Requests in `requested` this user may decide. */
  waitingOnMe: readonly AccessRequest[];
  command?: string;
}

/** Each list shows at most this many requests (two blocks each) so the view stays under 100 blocks. */
const SHOWN_PER_LIST = 20;
const CURRENT = new Set(['requested', 'approved', 'provisioning', 'active', 'warned', 'ending']);

export function homeView(input: HomeInput): HomeView {
  const command = input.command ?? '/bastion';
  const current = input.mine.filter((r) => CURRENT.has(r.state));
  // Never offer someone their own request to approve, whatever the caller passed.
  const queue = input.waitingOnMe.filter(
    (r) => r.state === 'requested' && r.requester.slackUserId !== input.userId,
  );

  const blocks: KnownBlock[] = [
    header('Drawbridge'),
    context(`Short-lived, approved access to production databases for ${mention(input.userId)}.`),
    header('Your access'),
  ];
  if (current.length === 0) {
    blocks.push(
      section(
        `You have no active or pending access. Type ${code(command)} in any channel to ask for it, ` +
          `or ${code(`${command} help`)} for the one-line form.`,
      ),
    );
  }
  for (const request of current.slice(0, SHOWN_PER_LIST)) {
    blocks.push(section(`*${shortSummary(request)}* ${code(request.id)}\n${shortState(request)}`));
    if (request.state === 'active' || request.state === 'warned') {
      blocks.push(
        actions(`home_access_${request.id}`, [showCredentialsButton(request.id), endNowButton(request.id)]),
      );
    }
  }
  if (current.length > SHOWN_PER_LIST) {
    blocks.push(context(`… and ${current.length - SHOWN_PER_LIST} more: ${code(`${command} list`)}`));
  }

  if (queue.length > 0) {
    blocks.push(divider(), header('Waiting on you'));
    for (const request of queue.slice(0, SHOWN_PER_LIST)) {
      blocks.push(
        section(
          `*${shortSummary(request)}* ${code(request.id)} from ${requesterText(request)}\n` +
            `${userText(request.reason, 300)}${request.breakGlass ? '\n:rotating_light: break-glass' : ''}`,
        ),
        actions(`home_approval_${request.id}`, [
          button({ text: 'Approve', actionId: ACTION.approve, value: request.id, style: 'primary' }),
          button({ text: 'Deny', actionId: ACTION.deny, value: request.id, style: 'danger' }),
        ]),
      );
    }
    if (queue.length > SHOWN_PER_LIST) {
      blocks.push(context(`… and ${queue.length - SHOWN_PER_LIST} more in the approval channels.`));
    }
  }
  return {
    type: 'home',
    blocks: capBlocks(blocks, SLACK_LIMITS.viewBlocks, (left) => `… ${left} more not shown.`),
  };
}
