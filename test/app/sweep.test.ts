import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { handleJob } from '../../src/app/dispatch.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { sweep } from '../../src/app/sweep.js';
import { APPROVER_1, activated, harness, submitted, targetPolicy, tierPolicy } from '../fakes/harness.js';

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

  it('removes what the ledger says a request that is no longer live left behind, and alerts', async () => {
    const h = harness();
    const id = await activated(h);
    const account = (await h.store.get(id))?.account;
    h.db.faults.arm('drop-account', new Error('server gone'));
    h.clock.advance(3601);
    await handleJob(h.deps, { requestId: id, kind: 'teardown' }); // the drop fails: the account stays, ours
    expect((await h.store.get(id))?.state).toBe('ended');
    expect(h.ledger.held('account')).toEqual([`${account?.user}@${account?.host}`]);

    const report = await sweep(h.deps);
    expect(report.orphanAccounts).toEqual([`prod:${id}:MySQL account ${account?.user}@${account?.host}`]);
    expect(h.db.accounts.size).toBe(0);
    expect(h.ledger.held('account')).toEqual([]);
    expect(h.notifier.sent.filter((n) => n.kind === 'alert').at(-1)).toMatchObject({
      message: expect.stringContaining(`left behind by request ${id} (ended)`),
    });
  });

  it('never touches an account or a bastion it has no record of, whatever its name or address', async () => {
    const h = harness();
    const id = await activated(h);
    const ours = (await h.store.get(id))?.account;
    // Same user name as a Drawbridge requester, on addresses bastions use: still somebody else's.
    h.db.plant({ user: 'ada_lovelace', host: '10.0.0.77' });
    h.db.plant({ user: 'app', host: '10.0.0.25' });
    await h.bastions.launch({
      requestId: 'r-other-deployment',
      target: 'prod',
      owner: 'U0X',
      expiresAt: new Date(),
      shutdownAfterSeconds: 60,
    });
    const report = await sweep(h.deps);
    expect(report).toMatchObject({ orphanAccounts: [], orphanBastions: [], errors: [] });
    expect(report.foreignBastions).toEqual(['b-r-other-deployment']);
    expect([...h.db.accounts.keys()].sort()).toEqual(
      [`${ours?.user}@${ours?.host}`, 'ada_lovelace@10.0.0.77', 'app@10.0.0.25'].sort(),
    );
    expect(h.bastions.live.has('b-r-other-deployment')).toBe(true);
    expect(h.notifier.kinds()).not.toContain('alert');
  });

  it('syncs every offered tier of every target with the tables, each sweep', async () => {
    const h = harness(targetPolicy({ tiers: { READ: tierPolicy(), DDL: tierPolicy() } }));
    await sweep(h.deps);
    await sweep(h.deps);
    expect(h.db.syncs).toEqual([
      ['READ', 'DDL'],
      ['READ', 'DDL'],
    ]);
  });

  it('a failing grant sync is reported and does not stop the sweep', async () => {
    const h = harness();
    const id = await activated(h);
    h.db.faults.arm('sync', new Error('lock wait timeout'));
    h.clock.advance(3601);
    const report = await sweep(h.deps);
    expect(report.tornDown).toEqual([id]);
    expect(report.errors).toEqual(['grants on prod: lock wait timeout']);
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
