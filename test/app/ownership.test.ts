import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { sweep } from '../../src/app/sweep.js';
import { teardownAccess } from '../../src/app/teardown-access.js';
import { APPROVER_1, activated, type Harness, harness, submitted, targetPolicy } from '../fakes/harness.js';

/** Submitted and approved; provisioning is left for the test to drive. */
async function approved(h: Harness): Promise<string> {
  const id = await submitted(h);
  await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
  h.queue.items.length = 0;
  return id;
}

/** The fake bastions hand out 10.0.0.1 first: an account planted there is where provisioning will look. */
const FIRST_BASTION_IP = '10.0.0.1';

describe('the ownership ledger: Drawbridge touches only what it made', () => {
  it('records the bastion and the account before making them, and releases both at teardown', async () => {
    const h = harness();
    const id = await activated(h);
    expect(h.ledger.held('bastion')).toEqual([`b-${id}`]);
    expect(h.ledger.held('account')).toEqual([`ada_lovelace@${FIRST_BASTION_IP}`]);
    await teardownAccess(h.deps, id, 'system', 'expired');
    expect(h.ledger.held('bastion')).toEqual([]);
    expect(h.ledger.held('account')).toEqual([]);
    expect(h.ledger.held('account', 'released')).toEqual([`ada_lovelace@${FIRST_BASTION_IP}`]);
  });

  it('refuses to take over an account that already exists, leaves it untouched, and says why', async () => {
    const h = harness();
    h.db.plant({ user: 'ada_lovelace', host: FIRST_BASTION_IP });
    const before = structuredClone(h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`));
    const id = await approved(h);

    const result = await provisionAccess(h.deps, id);

    expect(result.outcome).toBe('failed');
    const request = await h.store.get(id);
    expect(request?.failure).toMatchObject({
      step: 'create-account',
      reason: expect.stringContaining(
        `\`ada_lovelace\`@\`${FIRST_BASTION_IP}\` already exists on prod and was not created by Drawbridge`,
      ),
      leftovers: [],
    });
    expect(h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`)).toEqual(before);
    expect(h.bastions.live.size).toBe(0);
    expect(h.notifier.kinds()).toEqual(expect.arrayContaining(['alert', 'failed']));
    expect(h.ledger.held('account', 'released')).toEqual([`ada_lovelace@${FIRST_BASTION_IP}`]);

    // Nor does the sweeper, or a second teardown, touch it afterwards.
    await sweep(h.deps);
    await teardownAccess(h.deps, id, 'system', 'again');
    expect(h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`)).toEqual(before);
  });

  it("a target userPrefix keeps requesters out of the applications' names altogether", async () => {
    const h = harness(targetPolicy({ userPrefix: 'dbx_' }));
    h.db.plant({ user: 'ada_lovelace', host: FIRST_BASTION_IP });
    const id = await approved(h);
    expect((await provisionAccess(h.deps, id)).outcome).toBe('active');
    expect((await h.store.get(id))?.account).toEqual({ user: 'dbx_ada_lovelace', host: FIRST_BASTION_IP });
    expect(h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`)?.password).toBe('theirs');
  });

  it('an account whose create call failed after reaching the server is ours, and is removed', async () => {
    const h = harness();
    const id = await approved(h);
    h.db.faults.arm('create-account-after-effect', new Error('connection reset'));
    expect((await provisionAccess(h.deps, id)).outcome).toBe('failed');
    expect(h.db.accounts.size).toBe(0);
    expect(h.ledger.held('account', 'released')).toEqual([`ada_lovelace@${FIRST_BASTION_IP}`]);
  });

  it('a run resumed after the account was made and recorded resets that account instead of refusing it', async () => {
    const h = harness();
    const id = await approved(h);
    h.store.beforeUpdate = async (next) => {
      if (next.events.at(-1)?.type !== 'account-created') return;
      h.store.down = true; // the worker dies: nothing more is recorded
      throw new Error('worker died');
    };
    await expect(provisionAccess(h.deps, id)).rejects.toThrow();
    h.store.beforeUpdate = undefined;
    h.store.down = false;
    const planted = structuredClone(h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`));
    expect(planted?.tier).toBe('READ');

    const resumed = await provisionAccess(h.deps, id, { resume: true });

    expect(resumed.outcome).toBe('active');
    const account = h.db.accounts.get(`ada_lovelace@${FIRST_BASTION_IP}`);
    expect(account?.tier).toBe('READ');
    expect(account?.password).not.toBe(planted?.password);
  });

  it('an account whose creation was recorded but never confirmed is left alone at release, with an alert', async () => {
    const h = harness();
    const id = await approved(h);
    // The worker dies right after recording the intent, before CREATE USER; somebody creates the account meanwhile.
    h.db.createUser = async () => {
      h.store.down = true;
      h.ledger.down = true;
      throw new Error('worker died');
    };
    await expect(provisionAccess(h.deps, id)).rejects.toThrow();
    h.store.down = false;
    h.ledger.down = false;
    h.db.plant({ user: 'ada_lovelace', host: FIRST_BASTION_IP });
    h.clock.advance(301); // past the provisioning timeout: the sweeper fails and compensates it

    const report = await sweep(h.deps);
    expect(report.timedOut).toEqual([id]);

    expect(h.db.accounts.has(`ada_lovelace@${FIRST_BASTION_IP}`)).toBe(true);
    expect(
      h.notifier.sent.some(
        (n) => n.kind === 'alert' && n.message.includes('Drawbridge never confirmed creating it'),
      ),
    ).toBe(true);
    expect(h.ledger.held('account', 'intended')).toEqual([]);
  });

  it('a request recorded before the ledger existed still has its own account and bastion removed', async () => {
    const h = harness();
    const id = await activated(h);
    h.ledger.records.clear();
    const result = await teardownAccess(h.deps, id, 'system', 'expired');
    expect(result.outcome).toBe('ended');
    expect(h.db.accounts.size + h.bastions.live.size).toBe(0);
  });
});
