import { describe, expect, it } from 'vitest';
import { revealCredentials } from '../../src/app/credentials.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { handleJob } from '../../src/app/dispatch.js';
import { endAccess } from '../../src/app/end-access.js';
import { decideExtension, requestExtension } from '../../src/app/extend-access.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { bindUseCases } from '../../src/app/use-cases.js';
import { verifyHistory } from '../../src/domain/history.js';
import {
  APPROVER_1,
  APPROVER_2,
  GROUP_MEMBER,
  type Harness,
  harness,
  OUTSIDER,
  REQUESTER,
  targetPolicy,
  tierPolicy,
} from '../fakes/harness.js';
import { RecordingReplies } from '../fakes/recording-replies.js';

const ask = {
  requesterId: REQUESTER,
  target: 'prod',
  tier: 'READ' as const,
  durationSeconds: 3600,
  reason: 'incident 42',
};

async function submitted(h: Harness, overrides: Partial<typeof ask> = {}) {
  const result = await submitRequest(h.deps, { ...ask, ...overrides });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function activeRequest(h: Harness) {
  const request = await submitted(h);
  await decideRequest(h.deps, { requestId: request.id, actor: APPROVER_1, verdict: 'approve' });
  await h.queue.drain();
  const active = await h.store.get(request.id);
  if (active?.state !== 'active') throw new Error(`expected active, got ${active?.state}`);
  return active;
}

describe('submit', () => {
  it('records the request, names the account after the e-mail, asks the approvers and arms the approval timeout', async () => {
    const h = harness();
    const request = await submitted(h);
    expect(request).toMatchObject({ state: 'requested', version: 1, requester: { dbUser: 'ada_lovelace' } });
    expect(h.notifier.kinds()).toEqual(['approval-requested']);
    expect(h.scheduler.get(request.id, 'approval-timeout')?.at.toISOString()).toBe(request.approvalDeadline);
  });

  it('refuses a requester without an e-mail, an unknown target and an over-long duration, recording nothing', async () => {
    const h = harness();
    const noMail = await submitRequest(h.deps, { ...ask, requesterId: 'U0NOMAIL' });
    const unknown = await submitRequest(h.deps, { ...ask, target: 'nope' });
    const tooLong = await submitRequest(h.deps, { ...ask, durationSeconds: 5 * 3600 });
    expect([noMail, unknown, tooLong].map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'no_email',
      'unknown_target',
      'duration_too_long',
    ]);
    expect(h.store.all()).toHaveLength(0);
  });

  it('gives two people whose names collide different, stable names', async () => {
    const h = harness();
    await h.store.claimDbUserName('ada_lovelace', 'U0SOMEONEELSE');
    const first = await submitted(h);
    const second = await submitted(h);
    expect(first.requester.dbUser).not.toBe('ada_lovelace');
    expect(first.requester.dbUser).toMatch(/^ada_lovelace_[a-z0-9]+$/);
    expect(second.requester.dbUser).toBe(first.requester.dbUser);
  });

  it('auto-approves where the tier allows, recorded as a decision by policy, and provisions', async () => {
    const h = harness(targetPolicy({ tiers: { READ: tierPolicy({ autoApprove: true }) } }));
    const request = await submitted(h);
    expect(request.state).toBe('approved');
    expect(request.events.at(-1)).toMatchObject({ actor: 'policy', type: 'approved' });
    await h.queue.drain();
    expect((await h.store.get(request.id))?.state).toBe('active');
  });

  it('break-glass: self-approved with a justification, approvers told at once, reviewed afterwards', async () => {
    const h = harness(targetPolicy({ breakGlass: { allowed: [REQUESTER], minJustification: 20 } }));
    const request = await submitted(h, { breakGlass: { justification: 'checkout is down, INC-7' } } as never);
    expect(request.state).toBe('approved');
    expect(h.notifier.kinds()).toEqual(['break-glass']);
    await h.queue.drain();
    expect((await h.store.get(request.id))?.state).toBe('active');
  });
});

describe('decide and provision', () => {
  it('approve → provisioning → active: bastion, account pinned to its IP, schedules, DM; no password anywhere durable', async () => {
    const h = harness();
    const request = await submitted(h);
    const decided = await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
    });
    expect(decided.ok && decided.value.state).toBe('approved');
    expect(h.scheduler.get(request.id, 'approval-timeout')).toBeUndefined();
    await h.queue.drain();

    const active = await h.store.get(request.id);
    expect(active?.state).toBe('active');
    expect(active?.account).toEqual({ user: 'ada_lovelace', host: active?.bastion?.sourceIp });
    expect(h.db.accounts.get(`ada_lovelace@${active?.bastion?.sourceIp}`)?.tier).toBe('READ');
    const expiresAt = new Date(active?.expiresAt as string).getTime();
    expect(h.scheduler.get(request.id, 'teardown')?.at.getTime()).toBe(expiresAt);
    expect(h.scheduler.get(request.id, 'warn')?.at.getTime()).toBe(expiresAt - 600_000);
    expect(h.notifier.kinds()).toEqual([
      'approval-requested',
      'decision',
      'progress',
      'progress',
      'progress',
      'active',
    ]);
    expect(active && verifyHistory(active.events)).toEqual({ intact: true });

    const durable = JSON.stringify([h.store.all(), h.notifier.sent, h.logger.lines]);
    for (const password of h.db.passwordsSeen) expect(durable).not.toContain(password);
  });

  it('refuses a non-approver and the requester, and lets a group member approve', async () => {
    const h = harness();
    const request = await submitted(h);
    const outsider = await decideRequest(h.deps, {
      requestId: request.id,
      actor: OUTSIDER,
      verdict: 'approve',
    });
    const self = await decideRequest(h.deps, { requestId: request.id, actor: REQUESTER, verdict: 'approve' });
    expect([outsider, self].map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'not_an_approver',
      'self_approval',
    ]);
    expect((await h.store.get(request.id))?.version).toBe(1);
    const member = await decideRequest(h.deps, {
      requestId: request.id,
      actor: GROUP_MEMBER,
      verdict: 'approve',
    });
    expect(member.ok && member.value.state).toBe('approved');
  });

  it('deny ends the request with the reason and nothing is provisioned', async () => {
    const h = harness();
    const request = await submitted(h);
    const denied = await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_2,
      verdict: 'deny',
      reason: 'use staging',
    });
    expect(denied.ok && denied.value).toMatchObject({
      state: 'denied',
      denial: { by: APPROVER_2, reason: 'use staging' },
    });
    await h.queue.drain();
    expect(h.bastions.launches).toBe(0);
  });

  it('an undecided request expires when its timeout fires, and a late approval is refused', async () => {
    const h = harness();
    const request = await submitted(h);
    h.clock.advance(1800);
    await handleJob(h.deps, { requestId: request.id, kind: 'approval-timeout' });
    expect((await h.store.get(request.id))?.state).toBe('expired');
    expect(h.notifier.kinds()).toContain('expired');
    const late = await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
    });
    expect(late.ok).toBe(false);
  });
});

describe('warn, extend, end', () => {
  it('warns once; a warning after an early end does nothing', async () => {
    const h = harness();
    const active = await activeRequest(h);
    await handleJob(h.deps, { requestId: active.id, kind: 'warn' });
    await handleJob(h.deps, { requestId: active.id, kind: 'warn' });
    expect(h.notifier.kinds().filter((k) => k === 'warning')).toHaveLength(1);

    const other = await activeRequest(h);
    const ended = await endAccess(h.deps, { requestId: other.id, actor: REQUESTER });
    expect(ended.ok && ended.value.state).toBe('ending');
    await h.queue.drain();
    const before = h.notifier.sent.length;
    await handleJob(h.deps, { requestId: other.id, kind: 'warn' });
    expect(h.notifier.sent.length).toBe(before);
    expect((await h.store.get(other.id))?.state).toBe('ended');
  });

  it('End now tears down everything; a second teardown changes nothing', async () => {
    const h = harness();
    const active = await activeRequest(h);
    await endAccess(h.deps, { requestId: active.id, actor: REQUESTER });
    await h.queue.drain();
    const ended = await h.store.get(active.id);
    expect(ended?.state).toBe('ended');
    expect(h.db.accounts.size).toBe(0);
    expect(h.bastions.live.size).toBe(0);
    expect(h.scheduler.forRequest(active.id)).toEqual([]);
    const version = ended?.version;
    await handleJob(h.deps, { requestId: active.id, kind: 'teardown' });
    expect((await h.store.get(active.id))?.version).toBe(version);
    expect(h.notifier.kinds().filter((k) => k === 'ended')).toHaveLength(1);
  });

  it('an outsider cannot end somebody else’s access', async () => {
    const h = harness();
    const active = await activeRequest(h);
    const result = await endAccess(h.deps, { requestId: active.id, actor: OUTSIDER });
    expect(result.ok ? 'ok' : result.error.code).toBe('not_allowed');
  });

  it('extension approved by an approver moves both schedules', async () => {
    const h = harness();
    const active = await activeRequest(h);
    await handleJob(h.deps, { requestId: active.id, kind: 'warn' });
    const asked = await requestExtension(h.deps, { requestId: active.id, actor: REQUESTER, seconds: 1800 });
    expect(asked.ok && asked.value.pendingExtension?.seconds).toBe(1800);
    expect(h.notifier.kinds()).toContain('extension-requested');
    const granted = await decideExtension(h.deps, {
      requestId: active.id,
      actor: APPROVER_2,
      verdict: 'approve',
    });
    if (!granted.ok) throw new Error(granted.error.message);
    const newExpiry = new Date(active.expiresAt as string).getTime() + 1800_000;
    expect(granted.value).toMatchObject({ state: 'active', expiresAt: new Date(newExpiry).toISOString() });
    expect(h.scheduler.get(active.id, 'teardown')?.at.getTime()).toBe(newExpiry);
    expect(h.scheduler.get(active.id, 'warn')?.at.getTime()).toBe(newExpiry - 600_000);
  });

  it('Show credentials rotates the password each time and records it without the password', async () => {
    const h = harness();
    const active = await activeRequest(h);
    const first = await revealCredentials(h.deps, { requestId: active.id, actor: REQUESTER });
    const second = await revealCredentials(h.deps, { requestId: active.id, actor: REQUESTER });
    if (!first.ok || !second.ok) throw new Error('reveal failed');
    expect(first.value.password).not.toBe(second.value.password);
    expect(first.value.password.length).toBeGreaterThanOrEqual(32);
    const account = h.db.accounts.get(`${active.account?.user}@${active.account?.host}`);
    expect(account?.password).toBe(second.value.password);
    const stored = JSON.stringify(await h.store.get(active.id));
    expect(stored).not.toContain(first.value.password);
    expect(stored).toContain('credentials-issued');
    const stranger = await revealCredentials(h.deps, { requestId: active.id, actor: APPROVER_1 });
    expect(stranger.ok ? 'ok' : stranger.error.code).toBe('not_requester');
  });

  it('a Show credentials click is handed to the worker, which answers in the modal, never through the outbox', async () => {
    const h = harness();
    const active = await activeRequest(h);
    await bindUseCases(h.deps).handOverCredentials({
      requestId: active.id,
      actor: REQUESTER,
      viewId: 'V0CREDS1',
    });
    expect(h.queue.items).toEqual([
      { kind: 'reveal-credentials', requestId: active.id, actor: REQUESTER, viewId: 'V0CREDS1' },
    ]);
    const outboxBefore = JSON.stringify(h.outbox);

    await h.queue.drain();

    const [answer] = h.deps.replies instanceof RecordingReplies ? h.deps.replies.sent : [];
    if (answer?.to !== 'view' || !answer.answer.ok) throw new Error('expected credentials in the view');
    expect(answer.viewId).toBe('V0CREDS1');
    const account = h.db.accounts.get(`${active.account?.user}@${active.account?.host}`);
    expect(answer.answer.credentials.password).toBe(account?.password);
    expect(JSON.stringify(h.outbox)).toBe(outboxBefore);
    expect(JSON.stringify(await h.store.get(active.id))).not.toContain(answer.answer.credentials.password);
  });

  it('a database that fails answers the modal with what to do, and a stranger is told no', async () => {
    const h = harness();
    const active = await activeRequest(h);
    h.db.rotatePassword = async () => {
      throw new Error('connect ETIMEDOUT');
    };
    const useCases = bindUseCases(h.deps);
    await useCases.handOverCredentials({ requestId: active.id, actor: REQUESTER, viewId: 'V0CREDS2' });
    await useCases.handOverCredentials({ requestId: active.id, actor: APPROVER_1, viewId: 'V0CREDS3' });
    await useCases.handOverGrantRefresh({
      requestId: active.id,
      actor: REQUESTER,
      responseUrl: 'https://hooks.slack.com/actions/T0/1/abc',
    });
    await h.queue.drain();

    const sent = (h.deps.replies as RecordingReplies).sent;
    expect(sent).toEqual([
      {
        to: 'view',
        viewId: 'V0CREDS2',
        answer: { ok: false, message: expect.stringContaining('did not answer') },
      },
      { to: 'view', viewId: 'V0CREDS3', answer: { ok: false, message: expect.any(String) } },
      {
        to: 'response-url',
        responseUrl: 'https://hooks.slack.com/actions/T0/1/abc',
        text: expect.stringContaining('Grants refreshed'),
      },
    ]);
  });
});
