import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { recover } from '../../src/app/recover.js';
import { submitRequest } from '../../src/app/submit-request.js';
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
    [
      'Slack DM (5xx)',
      (h: Harness) => h.notifier.faults.arm('active', new Error('slack 503')),
      'notify-requester',
    ],
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
  it('a drop that fails is an alert and a failed request naming the account, never a silent success', async () => {
    const h = harness();
    const id = await approved(h);
    await provisionAccess(h.deps, id);
    h.db.faults.arm('drop-account', new Error('lost connection'));
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('failed');
    const failed = await h.store.get(id);
    expect(failed?.failure?.leftovers.join()).toContain('MySQL account ada_lovelace@');
    expect(h.notifier.kinds()).toContain('alert');
    expect(h.bastions.live.size).toBe(0);
  });

  it.each([
    [
      'bastion termination',
      (h: Harness) => h.bastions.faults.arm('terminate', new Error('ec2 throttled')),
      'bastion b-',
    ],
    [
      'schedule deletion',
      (h: Harness) => h.scheduler.faults.arm('cancel', new Error('scheduler 500')),
      'schedule',
    ],
  ])(
    'a %s that fails is recorded as a leftover and alerted; the account is still gone',
    async (_name, inject, leftover) => {
      const h = harness();
      const id = await approved(h);
      await provisionAccess(h.deps, id);
      inject(h);
      const result = await teardownAccess(h.deps, id, 'system', 'expired');
      expect(result.outcome).toBe('failed');
      expect((await h.store.get(id))?.failure?.leftovers.join()).toContain(leftover);
      expect(h.db.accounts.size).toBe(0);
      expect(h.notifier.kinds()).toEqual(expect.arrayContaining(['alert', 'failed']));
    },
  );

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
