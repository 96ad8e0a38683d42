import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { recover } from '../../src/app/recover.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { sweep } from '../../src/app/sweep.js';
import { teardownAccess } from '../../src/app/teardown-access.js';
import { APPROVER_1, type Harness, harness, REQUESTER } from '../fakes/harness.js';

async function approved(h: Harness) {
  const submitted = await submitRequest(h.deps, {
    requesterId: REQUESTER,
    target: 'prod',
    tier: 'DML',
    durationSeconds: 1800,
    reason: 'fix row',
  });
  if (!submitted.ok) throw new Error(submitted.error.message);
  await decideRequest(h.deps, { requestId: submitted.value.id, actor: APPROVER_1, verdict: 'approve' });
  h.queue.items.length = 0; // provisioning is driven by hand below
  return submitted.value.id;
}

function expectNothingLeft(h: Harness, requestId: string) {
  expect(h.bastions.live.size).toBe(0);
  expect(h.db.accounts.size).toBe(0);
  expect(h.scheduler.forRequest(requestId)).toEqual([]);
}

describe('a fault at each provisioning step leaves nothing behind', () => {
  it.each([
    ['launch', (h: Harness) => h.bastions.faults.arm('launch'), 'launch-bastion'],
    [
      'launch that happened but was not reported',
      (h: Harness) => h.bastions.faults.arm('launch-after-effect'),
      'launch-bastion',
    ],
    ['bastion never reachable', (h: Harness) => h.bastions.faults.arm('wait-reachable'), 'wait-reachable'],
    [
      'database unreachable / grant error',
      (h: Harness) => h.db.faults.arm('create-account', new Error('ECONNREFUSED')),
      'create-account',
    ],
    [
      'account created, then an error',
      (h: Harness) => h.db.faults.arm('create-account-after-effect'),
      'create-account',
    ],
    ['warning schedule', (h: Harness) => h.scheduler.faults.arm('schedule-warn'), 'schedule'],
    ['teardown schedule', (h: Harness) => h.scheduler.faults.arm('schedule-teardown'), 'schedule'],
  ])('%s', async (_name, inject, step) => {
    const h = harness();
    const id = await approved(h);
    inject(h);
    const result = await provisionAccess(h.deps, id);
    expect(result.outcome).toBe('failed');
    const failed = await h.store.get(id);
    expect(failed).toMatchObject({ state: 'failed', failure: { step, leftovers: [] } });
    expect(failed?.failure?.reason).toBeTruthy();
    expectNothingLeft(h, id);
    const failedNotice = h.notifier.sent.find((n) => n.kind === 'failed');
    expect(failedNotice?.kind === 'failed' && failedNotice.request.failure?.step).toBe(step);
  });

  it('a crash between two steps resumes on restart and reaches active without duplicates', async () => {
    const h = harness();
    const id = await approved(h);
    // Crash: the scheduler is unavailable after the account exists; the process "dies" mid-saga.
    h.store.beforeUpdate = async (next) => {
      if (next.events.at(-1)?.type === 'scheduled') {
        h.store.down = true;
        throw new Error('process killed');
      }
    };
    await expect(provisionAccess(h.deps, id)).rejects.toThrow('process crashed');
    h.store.beforeUpdate = undefined;
    h.store.down = false;
    const stuck = await h.store.get(id);
    expect(stuck?.state).toBe('provisioning');
    expect(stuck?.account).toBeDefined();

    await recover(h.deps);
    await h.queue.drain();
    expect((await h.store.get(id))?.state).toBe('active');
    expect(h.bastions.launches).toBe(1);
    expect(h.db.accounts.size).toBe(1);
  });
});

describe('teardown faults', () => {
  it('a drop that fails after the path is cut: access ended, the requester hears "ended", the approvers an alert, the sweeper finishes', async () => {
    const h = harness();
    const id = await approved(h);
    await provisionAccess(h.deps, id);
    h.db.faults.arm('drop-account', new Error('lost connection'));
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    const ended = await h.store.get(id);
    expect(ended?.events.find((e) => e.type === 'ended')?.details).toMatchObject({
      lagging: [expect.stringContaining('MySQL account ada_lovelace@')],
    });
    expect(h.bastions.live.size).toBe(0);
    expect(h.notifier.kinds()).toEqual(expect.arrayContaining(['alert', 'ended']));
    expect(h.notifier.kinds()).not.toContain('failed');
    expect(h.notifier.sent.find((n) => n.kind === 'ended')).toMatchObject({
      lagging: [expect.stringContaining('lost connection')],
    });
    expect(h.db.accounts.size).toBe(1);
    await sweep(h.deps);
    expect(h.db.accounts.size).toBe(0);
  });

  it('a bastion that cannot be terminated leaves the path open: the request fails, naming it, and alerts', async () => {
    const h = harness();
    const id = await approved(h);
    await provisionAccess(h.deps, id);
    h.bastions.faults.arm('terminate', new Error('ec2 throttled'));
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('failed');
    expect((await h.store.get(id))?.failure?.leftovers.join()).toContain('bastion b-');
    expect(h.db.accounts.size).toBe(0);
    expect(h.notifier.kinds()).toEqual(expect.arrayContaining(['alert', 'failed']));
  });

  it('a schedule deletion that fails is recorded and alerted; access still ends and the account is gone', async () => {
    const h = harness();
    const id = await approved(h);
    await provisionAccess(h.deps, id);
    h.scheduler.faults.arm('cancel', new Error('scheduler 500'));
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    const ended = (await h.store.get(id))?.events.find((e) => e.type === 'ended');
    expect(JSON.stringify(ended?.details)).toContain('schedule');
    expect(h.db.accounts.size).toBe(0);
    expect(h.notifier.kinds()).toEqual(expect.arrayContaining(['alert', 'ended']));
  });

  it('an account that owns objects is locked, reported and the request still ends', async () => {
    const h = harness();
    const id = await approved(h);
    await provisionAccess(h.deps, id);
    const active = await h.store.get(id);
    h.db.definers.add(`${active?.account?.user}@${active?.account?.host}`);
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    expect(result.outcome === 'ended' && result.removed.join()).toContain('locked');
    expect(h.notifier.sent.some((n) => n.kind === 'alert' && n.message.includes('app.v_report'))).toBe(true);
  });
});
