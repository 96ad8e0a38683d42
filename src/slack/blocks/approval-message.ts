/**
 * The approval message in the target's approval channel: what is asked, who decided, and the
 * provisioning progress, updated in place. Approve / Deny exist only while the request waits for a decision.
 */
import type { KnownBlock } from '@slack/types';
import type { ProvisionProgress } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { actions, button, context, fallback, header, type SlackMessage, section } from './kit.js';
import { progressChecklist } from './progress-checklist.js';
import { breakGlassText, requestFacts, shortSummary } from './request-facts.js';
import { runApproveValue, runFacts } from './run-messages.js';
import { endStatus, failureStatus } from './status-text.js';
import { mention, slackDate, userText } from './text.js';

export interface ApprovalContext {
  /** The quorum of the request's tier. */
  approvalsRequired: number;
  /** The latest provisioning step reported, when it is further than what the record shows yet. */
  progress?: ProvisionProgress;
  /** What teardown removed (from the `ended` notification). */
  removed?: string[];
}

export const APPROVAL_ACTIONS_BLOCK = 'drawbridge_approval_actions';
export const REVIEW_ACTIONS_BLOCK = 'drawbridge_review_actions';
const SHOWN_DECISIONS = 10;

export function approvalMessage(request: AccessRequest, ctx: ApprovalContext): SlackMessage {
  const blocks: KnownBlock[] = [
    header(
      `${request.breakGlass ? 'Break-glass access' : request.run ? 'Run request' : 'Access request'}: ${request.target} · ${request.tier}`,
    ),
    ...requestFacts(request),
    ...runFacts(request),
  ];
  const glass = breakGlassText(request);
  if (glass) blocks.push(section(glass));
  const decisions = decisionLines(request, ctx.approvalsRequired);
  if (decisions) blocks.push(context(decisions));
  blocks.push(section(approvalStatus(request, ctx)));
  const checklist = progressChecklist(request, ctx.progress);
  if (checklist) blocks.push(section(checklist));

  if (request.state === 'requested') {
    blocks.push(
      actions(APPROVAL_ACTIONS_BLOCK, [
        button({
          text: request.run ? 'Approve this SQL' : 'Approve',
          actionId: ACTION.approve,
          value: request.run ? runApproveValue(request) : request.id,
          style: 'primary',
        }),
        button({ text: 'Deny', actionId: ACTION.deny, value: request.id, style: 'danger' }),
      ]),
    );
  }
  if (request.breakGlass && request.breakGlass.reviewedBy === undefined) {
    blocks.push(
      actions(REVIEW_ACTIONS_BLOCK, [
        button({ text: 'Reviewed', actionId: ACTION.review, value: request.id, style: 'primary' }),
      ]),
    );
  }
  return {
    text: fallback(
      `${request.breakGlass ? 'Break-glass access' : 'Access request'} from ${mention(request.requester.slackUserId)}: ` +
        `${shortSummary(request)} — ${userText(request.reason, 200)}`,
    ),
    blocks,
  };
}

/** "Approved by <@U1> — 1 of 2" for each approval, then the denial if any. */
function decisionLines(request: AccessRequest, required: number): string | undefined {
  const lines = request.approvals
    .slice(0, SHOWN_DECISIONS)
    .map(
      (d, i) =>
        `:white_check_mark: Approved by ${mention(d.by)} — ${i + 1} of ${Math.max(required, i + 1)} · ${slackDate(d.at)}`,
    );
  if (request.approvals.length > SHOWN_DECISIONS) {
    lines.push(`… and ${request.approvals.length - SHOWN_DECISIONS} more approvals`);
  }
  if (request.denial) {
    const why = request.denial.reason ? `: ${userText(request.denial.reason, 500)}` : '';
    lines.push(`:no_entry: Denied by ${mention(request.denial.by)}${why} · ${slackDate(request.denial.at)}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** One line that says where the request stands. */
export function approvalStatus(
  request: AccessRequest,
  ctx: Pick<ApprovalContext, 'approvalsRequired' | 'removed'>,
) {
  switch (request.state) {
    case 'requested': {
      const missing = Math.max(1, ctx.approvalsRequired - request.approvals.length);
      const approvals = missing === 1 ? '1 more approval' : `${missing} more approvals`;
      return `:hourglass: *Waiting for ${approvals}* — expires ${slackDate(request.approvalDeadline)} without a decision.`;
    }
    case 'approved':
      return ':white_check_mark: *Approved* — provisioning starts.';
    case 'denied':
      return `:no_entry: *Denied*${request.denial ? ` by ${mention(request.denial.by)}` : ''}${
        request.denial?.reason ? `: ${userText(request.denial.reason, 500)}` : '.'
      }`;
    case 'expired':
      return `:hourglass: *Expired* — nobody decided before ${slackDate(request.approvalDeadline)}.`;
    case 'cancelled':
      return ':heavy_multiplication_x: *Cancelled* by the requester.';
    case 'provisioning':
      return ':gear: *Provisioning* access…';
    case 'active':
    case 'warned':
      return `:large_green_circle: *Active*${request.expiresAt ? ` until ${slackDate(request.expiresAt)}` : ''}.`;
    case 'ending':
      return ':gear: *Ending* access: removing the account and the bastion…';
    case 'ended':
      return endStatus(request, ctx.removed);
    case 'failed':
      return failureStatus(request);
  }
}
