import { describe, expect, it } from 'vitest';
import { sealEvent } from '../../../src/domain/history.js';
import type { AccessRequest } from '../../../src/domain/types.js';
import { accessMessage } from '../../../src/slack/blocks/access-message.js';
import {
  alertMessage,
  deniedMessage,
  endedMessage,
  expiredMessage,
  failedMessage,
  threadNote,
  warningMessage,
} from '../../../src/slack/blocks/dm-messages.js';
import {
  extensionDecidedMessage,
  extensionRequestMessage,
} from '../../../src/slack/blocks/extension-messages.js';
import { ACTION } from '../../../src/slack/ids.js';
import { aFullRequest, aRequest, isoAfter, withGuarantees } from '../../support/request-builder.js';
import { actionIds, allMrkdwn, buttons, expectWithinLimits } from './inspect.js';

/** Active local access: the full request without what only later states have. */
const active = (patch: Partial<AccessRequest> = {}): AccessRequest => {
  const {
    pendingExtension: _p,
    endedAt: _e,
    endReason: _r,
    failure: _f,
    ...rest
  } = aFullRequest({
    id: 'r-k3m9x2p7qa',
    state: 'active',
    bastion: {
      id: 'local-1',
      sourceIp: '127.0.0.9',
      connect: { kind: 'local', host: '127.0.0.1', port: 13306 },
    },
  });
  return withGuarantees({ ...rest, ...patch });
};

describe('accessMessage', () => {
  it('says how to connect locally, until when, and offers Show credentials, Refresh grants and End now', () => {
    const message = accessMessage(active());
    const text = allMrkdwn(message.blocks);
    expect(text).toContain('```mysql -h 127.0.0.1 -P 13306 -u ada_lovelace -p```');
    expect(text).toContain('<!date^');
    expect(buttons(message.blocks).map((b) => [b.action_id, b.value, b.style])).toEqual([
      [ACTION.showCredentials, 'r-k3m9x2p7qa', 'primary'],
      [ACTION.refreshGrants, 'r-k3m9x2p7qa', undefined],
      [ACTION.endNow, 'r-k3m9x2p7qa', 'danger'],
    ]);
    expect(buttons(message.blocks).find((b) => b.action_id === ACTION.endNow)?.confirm).toMatchObject({
      title: { text: 'End access now?' },
      confirm: { text: 'End now' },
    });
    expectWithinLimits(message.blocks, 50);
  });

  it('gives the aws ssm command and the Session Manager console link on AWS', () => {
    const request = aFullRequest({ state: 'active' });
    const text = allMrkdwn(accessMessage(request).blocks);
    expect(text).toContain('aws ssm start-session --region eu-west-1 --target i-0123456789abcdef0');
    expect(text).toContain(
      'https://eu-west-1.console.aws.amazon.com/systems-manager/session-manager/i-0123456789abcdef0?region=eu-west-1',
    );
  });

  it('drops its buttons once access is no longer live', () => {
    for (const state of ['ending', 'ended', 'failed'] as const) {
      expect(actionIds(accessMessage(active({ state })).blocks)).toEqual([]);
    }
  });
});

describe('warningMessage', () => {
  it('offers Extend and End now, with the request id', () => {
    const message = warningMessage(active({ state: 'warned' }));
    expect(actionIds(message.blocks)).toEqual([ACTION.extend, ACTION.endNow]);
    expect(buttons(message.blocks).every((b) => b.value === 'r-k3m9x2p7qa')).toBe(true);
    expect(allMrkdwn(message.blocks)).toContain('{ago}');
  });

  it('shows a pending extension instead of Extend', () => {
    const pending = { seconds: 1800, requestedBy: 'U123REQ', requestedAt: isoAfter(10), approvals: [] };
    const message = warningMessage(active({ state: 'warned', pendingExtension: pending }));
    expect(actionIds(message.blocks)).toEqual([ACTION.endNow]);
    expect(allMrkdwn(message.blocks)).toContain('30 minutes is waiting for approval');
  });
});

describe('outcome DMs', () => {
  it('ended: the reason and what was removed', () => {
    const request = active({
      state: 'ended',
      endedAt: isoAfter(4000),
      endReason: 'ended early by the requester',
    });
    const text = allMrkdwn(endedMessage(request, ['account ada_lovelace@127.0.0.9 dropped']).blocks);
    expect(text).toContain('ended early by the requester');
    expect(text).toContain('• account ada_lovelace@127.0.0.9 dropped');
  });

  it('failed: the step, the reason, and the leftovers', () => {
    const request = aRequest({
      state: 'failed',
      failure: { step: 'create-account', reason: 'access denied', leftovers: ['user x@1.2.3.4'] },
    });
    const text = allMrkdwn(failedMessage(request).blocks);
    expect(text).toContain('`create-account`: access denied');
    expect(text).toContain('• user x@1.2.3.4');
  });

  it('denied: who and why', () => {
    const request = aRequest({
      state: 'denied',
      denial: { by: 'U0DENIER', at: isoAfter(5), verdict: 'deny', reason: 'use staging' },
    });
    expect(allMrkdwn(deniedMessage(request).blocks)).toContain('denied by <@U0DENIER>: use staging');
  });

  it('expired: the deadline and how to ask again', () => {
    const text = allMrkdwn(expiredMessage(aRequest({ state: 'expired' }), '/db').blocks);
    expect(text).toContain('no approver decided before <!date^');
    expect(text).toContain('`/db`');
  });

  it('alert and thread note: escaped text, with the request when given', () => {
    const alert = alertMessage('could not drop <user> & kill', aRequest({ id: 'r-k3m9x2p7qa' }));
    expect(allMrkdwn(alert.blocks)).toContain('could not drop &lt;user&gt; &amp; kill');
    expect(allMrkdwn(alert.blocks)).toContain('r-k3m9x2p7qa');
    expect(threadNote('<!here> hi').text).toBe('&lt;!here&gt; hi');
  });
});

describe('extension messages', () => {
  const pending = { seconds: 1800, requestedBy: 'U123REQ', requestedAt: isoAfter(10), approvals: [] };

  it('asks in the thread with Approve extension / Deny extension carrying the request id', () => {
    const message = extensionRequestMessage(active({ pendingExtension: pending }), { approvalsRequired: 2 });
    expect(buttons(message.blocks).map((b) => [b.action_id, b.value, b.style])).toEqual([
      [ACTION.approveExtension, 'r-k3m9x2p7qa', 'primary'],
      [ACTION.denyExtension, 'r-k3m9x2p7qa', 'danger'],
    ]);
    expect(allMrkdwn(message.blocks)).toContain('<@U123REQ> asks to extend READ access to *orders-prod*');
    expect(allMrkdwn(message.blocks)).toContain('by 30 minutes');
  });

  it('has no buttons when nothing is pending', () => {
    expect(actionIds(extensionRequestMessage(active()).blocks)).toEqual([]);
  });

  it('tells who decided, from the history', () => {
    const base = active();
    const extended = {
      ...base,
      events: [
        ...base.events,
        sealEvent(base.events, {
          at: isoAfter(20),
          actor: 'U456APP',
          type: 'extended',
          from: 'warned',
          to: 'active',
          details: { seconds: 1800 },
        }),
      ],
    };
    const approved = extensionDecidedMessage(extended, 'approve');
    expect(approved.text).toContain('Extension of 30 minutes approved by <@U456APP>');
    expect(actionIds(approved.blocks)).toEqual([]);
    expect(extensionDecidedMessage(base, 'deny').text).toContain('Extension denied');
  });
});
