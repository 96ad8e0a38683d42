import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../../src/domain/types.js';
import { approvalMessage } from '../../../src/slack/blocks/approval-message.js';
import { ACTION } from '../../../src/slack/ids.js';
import { aFullRequest, aRequest, isoAfter } from '../../support/request-builder.js';
import { actionIds, allMrkdwn, buttons, expectWithinLimits } from './inspect.js';

const ctx = { approvalsRequired: 2 };
const approval = (by: string, seconds = 60) => ({ by, at: isoAfter(seconds), verdict: 'approve' as const });

describe('approvalMessage', () => {
  it('shows requester (mention and e-mail), target, tier with its description, duration, reason and ticket', () => {
    const request = aRequest({
      id: 'r-k3m9x2p7qa',
      tier: 'DML',
      durationSeconds: 5400,
      ticket: 'https://t.example.com/OPS-1',
    });
    const text = allMrkdwn(approvalMessage(request, ctx).blocks);
    expect(text).toContain('<@U123REQ> (ada.lovelace@example.com)');
    expect(text).toContain('orders-prod');
    expect(text).toContain('DML — read and change rows');
    expect(text).toContain('1h30m');
    expect(text).toContain('investigate order 4711');
    expect(text).toContain('<https://t.example.com/OPS-1>');
    expect(text).toContain('r-k3m9x2p7qa');
  });

  it('has Approve (primary) and Deny (danger) carrying the request id while requested', () => {
    const request = aRequest({ id: 'r-k3m9x2p7qa' });
    const found = buttons(approvalMessage(request, ctx).blocks);
    expect(found).toEqual([
      expect.objectContaining({
        text: 'Approve',
        action_id: ACTION.approve,
        value: 'r-k3m9x2p7qa',
        style: 'primary',
      }),
      expect.objectContaining({
        text: 'Deny',
        action_id: ACTION.deny,
        value: 'r-k3m9x2p7qa',
        style: 'danger',
      }),
    ]);
  });

  it('shows each decision so far against the quorum, and how many approvals are missing', () => {
    const request = aRequest({ approvals: [approval('U111APP')] });
    const text = allMrkdwn(approvalMessage(request, ctx).blocks);
    expect(text).toContain('Approved by <@U111APP> — 1 of 2');
    expect(text).toContain('Waiting for 1 more approval');
    expect(actionIds(approvalMessage(request, ctx).blocks)).toEqual([ACTION.approve, ACTION.deny]);
  });

  it.each<[AccessRequest['state'], Partial<AccessRequest>, string]>([
    ['approved', { approvals: [approval('U1APPROVER'), approval('U2APPROVER')] }, 'Approved'],
    [
      'denied',
      { denial: { by: 'U9DENIER', at: isoAfter(60), verdict: 'deny', reason: 'not today' } },
      'Denied* by <@U9DENIER>: not today',
    ],
    ['expired', {}, 'Expired'],
    ['cancelled', {}, 'Cancelled'],
    ['provisioning', { approvals: [approval('U1APPROVER')] }, 'Provisioning'],
    ['active', { expiresAt: isoAfter(3600) }, 'Active* until <!date^'],
    ['ending', {}, 'Ending'],
    ['ended', { endedAt: isoAfter(4000), endReason: 'expired' }, 'Ended* <!date^'],
    [
      'failed',
      { failure: { step: 'create-account', reason: 'grant refused', leftovers: [] } },
      'Failed* at step `create-account`: grant refused',
    ],
  ])('once %s the buttons are gone and the status says so', (state, patch, status) => {
    const message = approvalMessage(aRequest({ state, ...patch }), ctx);
    expect(actionIds(message.blocks)).toEqual([]);
    expect(allMrkdwn(message.blocks)).toContain(status);
  });

  it('shows provisioning progress as a checklist that follows the record and the latest progress step', () => {
    const launching = approvalMessage(aRequest({ state: 'provisioning' }), { ...ctx, progress: 'launching' });
    expect(allMrkdwn(launching.blocks)).toContain(
      ':hourglass_flowing_sand: Bastion launched\n:white_circle: Bastion reachable',
    );

    const reachable = approvalMessage(aRequest({ state: 'provisioning', bastionId: 'b-1' }), {
      ...ctx,
      progress: 'reachable',
    });
    expect(allMrkdwn(reachable.blocks)).toContain(
      ':white_check_mark: Bastion launched\n:white_check_mark: Bastion reachable\n:hourglass_flowing_sand: Database account ready',
    );

    const { breakGlass: _, ...plainActive } = aFullRequest({ state: 'active' });
    const active = approvalMessage(plainActive, ctx);
    expect(allMrkdwn(active.blocks)).toContain(':white_check_mark: Access active');
  });

  it('marks the failed step in the checklist and lists what could not be removed', () => {
    const request = aRequest({
      state: 'failed',
      failure: {
        step: 'wait-reachable',
        reason: 'SSM agent never came online',
        leftovers: ['bastion i-0abc'],
      },
    });
    const text = allMrkdwn(approvalMessage(request, ctx).blocks);
    expect(text).toContain(':white_check_mark: Bastion launched\n:x: Bastion reachable');
    expect(text).toContain('• bastion i-0abc');
  });

  it('lists what teardown removed', () => {
    const request = aRequest({
      state: 'ended',
      endedAt: isoAfter(4000),
      endReason: 'ended by approver U0APPROVER9',
    });
    const text = allMrkdwn(
      approvalMessage(request, { ...ctx, removed: ['user ada@10.0.1.23', 'bastion i-0abc'] }).blocks,
    );
    expect(text).toContain('ended by approver <@U0APPROVER9>');
    expect(text).toContain('• user ada@10.0.1.23\n• bastion i-0abc');
  });

  it('flags break-glass with its justification and offers Reviewed until an approver reviews it', () => {
    const glass = aRequest({ state: 'active', breakGlass: { justification: 'checkout is down' } });
    const message = approvalMessage(glass, ctx);
    expect(allMrkdwn(message.blocks)).toContain('Break-glass');
    expect(allMrkdwn(message.blocks)).toContain('checkout is down');
    expect(buttons(message.blocks)).toEqual([
      expect.objectContaining({ action_id: ACTION.review, value: glass.id, text: 'Reviewed' }),
    ]);

    const reviewed = {
      ...glass,
      breakGlass: { justification: 'checkout is down', reviewedBy: 'U456APP', reviewedAt: isoAfter(99) },
    };
    expect(actionIds(approvalMessage(reviewed, ctx).blocks)).toEqual([]);
    expect(allMrkdwn(approvalMessage(reviewed, ctx).blocks)).toContain('Reviewed by <@U456APP>');
  });

  it('names system and policy actors in words and groups as subteam mentions', () => {
    const request = aRequest({
      state: 'approved',
      approvals: [{ by: 'policy', at: isoAfter(1), verdict: 'approve' }],
    });
    expect(allMrkdwn(approvalMessage(request, { approvalsRequired: 1 }).blocks)).toContain(
      'Approved by the policy (auto-approval) — 1 of 1',
    );
  });

  it('has a fallback text naming the requester and the target', () => {
    const message = approvalMessage(aRequest(), ctx);
    expect(message.text).toContain('<@U123REQ>');
    expect(message.text).toContain('orders-prod · READ · 1h');
    expectWithinLimits(message.blocks, 50);
  });
});
