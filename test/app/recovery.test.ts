import { describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../src/adapters/local/local-scheduler.js';
import { decideRequest } from '../../src/app/decide-request.js';
import { handleJob } from '../../src/app/dispatch.js';
import { provisionAccess } from '../../src/app/provision-access.js';
import { recover } from '../../src/app/recover.js';
import { APPROVER_1, activated, harness, submitted } from '../fakes/harness.js';

describe('honest recovery', () => {
  it('a resumed run whose bastion died with the process fails and compensates instead of saying "ready"', async () => {
    const h = harness();
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    h.queue.items.length = 0;
    h.store.beforeUpdate = async (next) => {
      if (next.events.at(-1)?.type !== 'scheduled') return;
      h.store.down = true; // killed after the account was made, before the schedules
      throw new Error('killed');
    };
    await expect(provisionAccess(h.deps, id)).rejects.toThrow();
    h.store.beforeUpdate = undefined;
    h.store.down = false;
    h.bastions.live.clear(); // a local bastion does not survive its process

    await recover(h.deps);
    await h.queue.drain();

    const request = await h.store.get(id);
    expect(request).toMatchObject({ state: 'failed', failure: { step: 'wait-reachable' } });
    expect(h.notifier.kinds()).not.toContain('active');
    expect(h.notifier.kinds()).toContain('failed');
    expect(h.db.accounts.size).toBe(0);
  });

  it('a warning timer that fires at or after the expiry (re-armed late) sends nothing', async () => {
    const h = harness();
    const id = await activated(h);
    h.clock.advance(3600);
    await handleJob(h.deps, { requestId: id, kind: 'warn' });
    expect(h.notifier.kinds()).not.toContain('warning');
    expect((await h.store.get(id))?.state).toBe('active');
  });

  it('closing the local scheduler waits for a job that is already running', async () => {
    let finished = false;
    const scheduler = new LocalScheduler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished = true;
    });
    await scheduler.schedule({ requestId: 'r-aaaaaaaaaa', kind: 'teardown', at: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await scheduler.close();
    expect(finished).toBe(true);
  });
});

describe('the provisioning deadline', () => {
  it('is enforced in the run itself: a frozen database fails the step at the deadline, compensated', async () => {
    const h = harness();
    h.deps.timings.provisioningTimeoutSeconds = 1;
    const id = await submitted(h);
    await decideRequest(h.deps, { requestId: id, actor: APPROVER_1, verdict: 'approve' });
    h.queue.items.length = 0;
    h.db.createUser = () => new Promise(() => {}); // the server never answers
    const started = Date.now();
    const result = await provisionAccess(h.deps, id);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.outcome).toBe('failed');
    expect(await h.store.get(id)).toMatchObject({
      state: 'failed',
      failure: { step: 'create-account', reason: 'provisioning took longer than the configured timeout' },
    });
    expect(h.bastions.live.size).toBe(0);
    expect(h.notifier.kinds()).toContain('failed');
  });
});
