/**
 * The requester's DM once access is active: how to connect, until when, and the buttons. It is updated in
 * place when access ends, so its buttons exist only while access is live. It never holds a password:
 * Show credentials opens the one modal that does.
 */
import type { KnownBlock } from '@slack/types';
import type { AccessRequest } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { approvalStatus } from './approval-message.js';
import { connectSteps } from './connect-text.js';
import {
  actions,
  button,
  confirmDialog,
  fallback,
  fields,
  header,
  type SlackMessage,
  section,
} from './kit.js';
import { code, escapeMrkdwn, slackDate } from './text.js';

export const ACCESS_ACTIONS_BLOCK = 'drawbridge_access_actions';

const isLive = (request: AccessRequest) => request.state === 'active' || request.state === 'warned';

/** End now, with a confirmation: it cuts open connections. */
export function endNowButton(requestId: string) {
  return button({
    text: 'End now',
    actionId: ACTION.endNow,
    value: requestId,
    style: 'danger',
    confirm: confirmDialog({
      title: 'End access now?',
      text: 'Your database account and bastion are removed at once and open connections are cut.',
      confirm: 'End now',
      deny: 'Keep it',
    }),
  });
}

export function showCredentialsButton(requestId: string) {
  return button({
    text: 'Show credentials',
    actionId: ACTION.showCredentials,
    value: requestId,
    style: 'primary',
  });
}

export function accessMessage(request: AccessRequest): SlackMessage {
  const target = escapeMrkdwn(request.target);
  const blocks: KnownBlock[] = [
    header(`Access to ${request.target} (${request.tier})`),
    fields([
      ['Database user', request.account ? code(request.account.user) : '_not created yet_'],
      ['Until', request.expiresAt ? slackDate(request.expiresAt) : '_not started_'],
      ['Tier', request.tier],
      ['Request', code(request.id)],
    ]),
  ];
  if (!isLive(request)) {
    blocks.push(section(approvalStatus(request, { approvalsRequired: request.approvals.length })));
    return { text: fallback(`Your access to ${target} is no longer active.`), blocks };
  }
  blocks.push(
    section(
      request.bastion && request.account
        ? `*How to connect*\n${connectSteps(request.bastion.connect, request.account.user)}`
        : 'The connection details are not available yet.',
    ),
    section(
      '*Password*: press *Show credentials*. You get a new one each time, shown only to you and stored nowhere.',
    ),
    actions(ACCESS_ACTIONS_BLOCK, [
      showCredentialsButton(request.id),
      // Every tier, not only DDL: where a schema has protected tables, grants are per table, so any table
      // created after the grant (by a migration, or by this user) is out of reach until refreshed.
      button({ text: 'Refresh grants', actionId: ACTION.refreshGrants, value: request.id }),
      endNowButton(request.id),
    ]),
  );
  const until = request.expiresAt ? ` until ${slackDate(request.expiresAt)}` : '';
  return { text: fallback(`Your ${request.tier} access to ${target} is ready${until}.`), blocks };
}
