import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { handleJob } from '../../src/app/dispatch.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import {
  APPROVER_1,
  APPROVER_2,
  type Harness,
  harness,
  PROVISIONED_HISTORY,
  submitted,
  targetPolicy,
  tierPolicy,
} from '../fakes/harness.js';

/** Every write first yields, so concurrent callers all read the same version before anyone writes. */
function interleave(h: Harness) {
  h.store.beforeUpdate = () => new Promise((resolve) => setImmediate(resolve));
}

describe('races', () => {
  it('two approvers at once: one approval takes effect, the other is told it was already decided', async () => {
    const h = harness();
    const id = await submitted(h);
    interleave(h);
    const results = await Promise.all([
      decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' }),
      decideRequest(h.deps, { requestId: id, actor: APPROVER_2, verdict: 'approve' }),
    ]);
    expect(results.map((r) => (r.ok ? r.value.state : r.error.code)).sort()).toEqual([
      'already_decided',
      'approved',
    ]);
    expect(h.queue.items).toEqual([{ kind: 'provision', requestId: id }]);
    expect((await h.store.get(id))?.events.filter((e) => e.type === 'approved')).toHaveLength(1);
  });

  it('the loser of a race decides again from the winning item the store returned, without reading it back', async () => {
    const h = harness();
    const id = await submitted(h);
    interleave(h);
    const readsBefore = h.store.gets;
    const results = await Promise.all([
      decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' }),
      decideRequest(h.deps, { requestId: id, actor: APPROVER_2, verdict: 'deny' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['already_decided']);
    // One read per decision: the loser's second decision ran on the item its failed write returned.
    expect(h.store.gets - readsBefore).toBe(2);
  });

  it('approve against deny: exactly one wins', async () => {
    const h = harness();
    const id = await submitted(h);
    interleave(h);
    const results = await Promise.all([
      decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' }),
      decideRequest(h.deps, { requestId: id, actor: APPROVER_2, verdict: 'deny' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const final = await h.store.get(id);
    expect(['approved', 'denied']).toContain(final?.state);
    expect(final?.version).toBe(2);
  });

  it('provisioning delivered twice at once launches one bastion and one account', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    interleave(h);
    const outcomes = await Promise.all([provisionAccess(h.deps, id), provisionAccess(h.deps, id)]);
    expect(outcomes.map((o) => o.outcome)).toContain('active');
    expect(h.bastions.launches).toBe(1);
    expect(h.db.accounts.size).toBe(1);
    expect((await h.store.get(id))?.state).toBe('active');
  });

  it('a scheduler firing twice at once warns once and tears down once', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    await h.queue.drain();
    interleave(h);
    await Promise.all([
      handleJob(h.deps, { requestId: id, kind: 'warn' }),
      handleJob(h.deps, { requestId: id, kind: 'warn' }),
    ]);
    await Promise.all([
      handleJob(h.deps, { requestId: id, kind: 'teardown' }),
      handleJob(h.deps, { requestId: id, kind: 'teardown' }),
    ]);
    expect(h.notifier.kinds().filter((k) => k === 'warning')).toHaveLength(1);
    expect(h.notifier.kinds().filter((k) => k === 'ended')).toHaveLength(1);
    expect((await h.store.get(id))?.events.filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('50 requests approved at once all become active with distinct bastions and no lost event', async () => {
    // One requester, 50 requests: well past the default caps, which are not what this test is about.
    const limits = { maxPending: 50, maxLive: 50, maxPerHour: 50 };
    const h = harness(targetPolicy({ tiers: { READ: tierPolicy({ limits }) } }));
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await submitted(h));
    interleave(h);
    await Promise.all(
      ids.map((id) => decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' })),
    );
    await Promise.all(
      h.queue.items
        .splice(0)
        .map((item) => item.kind === 'provision' && provisionAccess(h.deps, item.requestId)),
    );
    const all = await Promise.all(ids.map((id) => h.store.get(id)));
    expect(all.every((r) => r?.state === 'active')).toBe(true);
    expect(new Set(all.map((r) => r?.bastion?.sourceIp)).size).toBe(50);
    expect(h.bastions.launches).toBe(50);
    for (const r of all) expect(r?.events.map((e) => e.type)).toEqual([...PROVISIONED_HISTORY]);
  });
});
