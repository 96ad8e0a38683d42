import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { sweep } from '../../src/app/sweep.js';
import { APPROVER_1, activated, harness, submitted } from '../fakes/harness.js';

describe('sweep', () => {
  it('tears down access past its expiry even if the scheduler never fired', async () => {
    const h = harness();
    const id = await activated(h);
    h.clock.advance(3601);
    const report = await sweep(h.deps);
    expect(report.tornDown).toEqual([id]);
    expect((await h.store.get(id))?.state).toBe('ended');
    expect(h.db.accounts.size + h.bastions.live.size).toBe(0);
  });

  it('leaves access that has not expired alone', async () => {
    const h = harness();
    const id = await activated(h);
    h.clock.advance(60);
    const report = await sweep(h.deps);
    expect(report).toMatchObject({ tornDown: [], orphanBastions: [], orphanAccounts: [], errors: [] });
    expect((await h.store.get(id))?.state).toBe('active');
  });

  it('expires undecided requests past their approval deadline', async () => {
    const h = harness();
    const id = await submitted(h);
    h.clock.advance(1801);
    expect((await sweep(h.deps)).expired).toEqual([id]);
    expect((await h.store.get(id))?.state).toBe('expired');
  });

  it('fails and compensates provisioning stuck past its timeout', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    h.queue.items.length = 0;
    h.bastions.faults.arm('wait-reachable', new Error('hung'));
    // Simulate a worker that launched then died: run only the launch by failing reachability without compensation.
    h.store.beforeUpdate = async (next) => {
      if (next.state === 'failed') throw new Error('worker died');
    };
    await expect(provisionAccess(h.deps, id)).rejects.toThrow('worker died');
    h.store.beforeUpdate = undefined;
    expect((await h.store.get(id))?.state).toBe('provisioning');
    h.clock.advance(301);
    const report = await sweep(h.deps);
    expect(report.timedOut).toEqual([id]);
    expect(await h.store.get(id)).toMatchObject({ state: 'failed', failure: { step: 'timeout' } });
    expect(h.bastions.live.size).toBe(0);
  });

  it('removes bastions and accounts no live request owns, and alerts', async () => {
    const h = harness();
    const id = await activated(h);
    await h.bastions.launch({
      requestId: 'r-ghost',
      target: 'prod',
      owner: 'U0X',
      expiresAt: new Date(),
      shutdownAfterSeconds: 60,
    });
    await h.store.claimDbUserName('ghost', 'U0GHOST');
    await h.db.createAccount({ user: 'ghost', host: '10.0.9.9' }, 'READ', 'pw');
    await h.db.createAccount({ user: 'not_ours', host: '10.9.9.9' }, 'READ', 'pw');
    // A Drawbridge-issued name pinned outside our bastion addresses belongs to somebody else: left alone.
    await h.db.createAccount({ user: 'ghost', host: '192.168.1.5' }, 'READ', 'pw');
    const report = await sweep(h.deps);
    expect(report.orphanBastions).toEqual(['b-r-ghost']);
    expect(report.orphanAccounts).toEqual(['prod:ghost@10.0.9.9']);
    expect([...h.db.accounts.keys()].sort()).toEqual([
      `ada_lovelace@${(await h.store.get(id))?.bastion?.sourceIp}`,
      'ghost@192.168.1.5',
      'not_ours@10.9.9.9',
    ]);
    expect(h.notifier.kinds().filter((k) => k === 'alert')).toHaveLength(2);
  });

  it('ends live access whose bastion has vanished (the dead-man switch fired)', async () => {
    const h = harness();
    const id = await activated(h);
    h.bastions.live.clear();
    const report = await sweep(h.deps);
    expect(report.tornDown).toEqual([id]);
    expect(h.db.accounts.size).toBe(0);
  });
});
