/**
 * Whatever people type (reason, e-mail, justification, deny reason) and whatever the system reports
 * (failure reasons, removed items), every builder stays within Slack's limits and escapes it for mrkdwn;
 * and no message builder can ever carry a password.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/app/credentials.js';
import { REQUEST_STATES } from '../../../src/domain/types.js';
import {
  accessMessage,
  alertMessage,
  approvalMessage,
  credentialsModal,
  deniedMessage,
  endedMessage,
  expiredMessage,
  extensionDecidedMessage,
  extensionRequestMessage,
  failedMessage,
  helpText,
  homeView,
  listText,
  type SlackMessage,
  threadNote,
  warningMessage,
} from '../../../src/slack/blocks/index.js';
import { aFullRequest, isoAfter } from '../../support/request-builder.js';
import { expectEscaped, expectViewWithinLimits, expectWithinLimits } from './inspect.js';

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8000 }),
  fc
    .array(
      fc.constantFrom(
        '<!channel>',
        '<@U1|boss>',
        '&amp;',
        '&',
        '<',
        '>',
        '```',
        '*',
        '|',
        'ticket:',
        '😀',
        'x'.repeat(700),
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
);

const request = fc
  .record({
    state: fc.constantFrom(...REQUEST_STATES),
    reason: hostile,
    email: hostile,
    justification: hostile,
    denial: hostile,
    failure: hostile,
    leftover: hostile,
    ticket: fc.oneof(hostile, fc.webUrl()),
    endReason: hostile,
    approvals: fc.integer({ min: 0, max: 60 }),
  })
  .map((h) => {
    const base = aFullRequest({ state: h.state });
    const approval = (i: number) => ({
      by: `U${String(i).padStart(6, '0')}`,
      at: isoAfter(i),
      verdict: 'approve' as const,
    });
    return {
      ...base,
      reason: h.reason,
      ticket: h.ticket,
      requester: { ...base.requester, email: h.email },
      breakGlass: { justification: h.justification },
      approvals: Array.from({ length: h.approvals }, (_, i) => approval(i)),
      denial: { by: h.denial.slice(0, 20), at: isoAfter(9), verdict: 'deny' as const, reason: h.denial },
      failure: {
        step: h.failure.slice(0, 30),
        reason: h.failure,
        leftovers: Array.from({ length: 40 }, () => h.leftover),
      },
      endReason: h.endReason,
      pendingExtension: {
        seconds: 1800,
        requestedBy: base.requester.slackUserId,
        requestedAt: isoAfter(3),
        approvals: [approval(1)],
      },
    };
  });

function expectMessageOk(message: SlackMessage): void {
  expectWithinLimits(message.blocks, 50);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(3000);
  expectEscaped(message.text);
}

describe('hostile input', () => {
  it('every message keeps Slack limits and escapes user text, for any request in any state', () => {
    fc.assert(
      fc.property(request, hostile, (r, text) => {
        const removed = [text, text, text];
        for (const message of [
          approvalMessage(r, { approvalsRequired: 2 }),
          approvalMessage(r, { approvalsRequired: 2, progress: 'reachable', removed }),
          accessMessage(r),
          warningMessage(r),
          endedMessage(r, removed),
          failedMessage(r),
          deniedMessage(r),
          expiredMessage(r),
          extensionRequestMessage(r, { approvalsRequired: 3 }),
          extensionDecidedMessage(r, 'approve'),
          extensionDecidedMessage(r, 'deny'),
          alertMessage(text, r),
          alertMessage(text),
          threadNote(text),
        ]) {
          expectMessageOk(message);
        }
        expectViewWithinLimits(homeView({ userId: 'U123REQ', mine: [r, r, r], waitingOnMe: [r] }));
        const list = listText([r, r]);
        expectEscaped(list);
      }),
      { numRuns: 150 },
    );
  });
});

describe('no password in any message', () => {
  const SENTINEL = 'Sentinel-Pw.4f7Qz9xK2mB8vN3cR6tY1wA5';
  const credentials: Credentials = {
    user: 'ada_lovelace',
    password: SENTINEL,
    connect: {
      kind: 'ssm',
      instanceId: 'i-0abc',
      region: 'eu-west-1',
      remoteHost: 'db',
      remotePort: 3306,
      localPort: 13306,
    },
    expiresAt: isoAfter(3600),
  };

  it('appears in the credentials modal and in nothing else built for the same access', () => {
    expect(JSON.stringify(credentialsModal(credentials))).toContain(SENTINEL);
    for (const state of REQUEST_STATES) {
      const r = aFullRequest({ state });
      const everything = [
        approvalMessage(r, { approvalsRequired: 2, progress: 'active', removed: ['user ada_lovelace'] }),
        accessMessage(r),
        warningMessage(r),
        endedMessage(r, []),
        failedMessage(r),
        deniedMessage(r),
        expiredMessage(r),
        extensionRequestMessage(r),
        extensionDecidedMessage(r, 'approve'),
        alertMessage('drop failed', r),
        threadNote('ended'),
        homeView({ userId: 'U123REQ', mine: [r], waitingOnMe: [r] }),
        listText([r]),
        helpText(),
      ];
      expect(JSON.stringify(everything)).not.toContain(SENTINEL);
    }
  });
});
