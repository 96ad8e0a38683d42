/**
 * Runs through the use cases with the fake server: the approval is bound to the SQL's hash, the run executes
 * as its own account (and only once), and that account is gone afterwards whatever failed.
 */
import { describe, expect, it } from 'vitest';
import { decideRequest } from '../../src/app/decide-request.js';
import { handleWork } from '../../src/app/dispatch.js';
import { submitRequest } from '../../src/app/submit-request.js';
import { DEFAULT_TIER_PRIVILEGES } from '../../src/domain/tiers.js';
import { APPROVER_1, harness as baseHarness, REQUESTER, targetPolicy, tierPolicy } from '../fakes/harness.js';

/** The DML tier with its real privileges (the shared fixture grants SELECT only). */
const harness = () =>
  baseHarness(
    targetPolicy({
      tiers: { READ: tierPolicy(), DML: tierPolicy({ privileges: [...DEFAULT_TIER_PRIVILEGES.DML] }) },
    }),
  );

async function submitted(
  h: ReturnType<typeof baseHarness>,
  sql = "UPDATE orders SET state = 'x' WHERE id = 1",
) {
  const r = await submitRequest(h.deps, {
    requesterId: REQUESTER,
    target: 'prod',
    tier: 'DML',
    durationSeconds: 0,
    reason: 'fix order 1',
    run: { sql, expectedRows: 1 },
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('runs', () => {
  it('refuses an approval of other SQL than the request holds, and runs once as its own account after the right one', async () => {
    const h = harness();
    const request = await submitted(h);
    expect(request.durationSeconds).toBe(60);
    const stale = await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
      sqlSha256: 'f'.repeat(64),
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale_approval' } });
    const approved = await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
      sqlSha256: request.run?.sha256,
    });
    expect(approved.ok).toBe(true);
    await h.queue.drain();
    const ended = await h.store.get(request.id);
    expect(ended?.state).toBe('ended');
    expect(ended?.runResult?.outcome).toBe('committed');
    expect(h.runner.executed).toEqual([
      {
        requestId: request.id,
        account: `ada_lovelace@${ended?.account?.host}`,
        statements: ["UPDATE orders SET state = 'x' WHERE id = 1"],
      },
    ]);
    expect(h.db.accounts.size).toBe(0);
    expect(h.notifier.kinds()).toContain('run-finished');
    // A second delivery of the same work does not run it again.
    await handleWork(h.deps, { kind: 'provision', requestId: request.id });
    expect(h.runner.executed).toHaveLength(1);
  });

  it('drops the account when the run fails, fails the request with the step, and tells people', async () => {
    const h = harness();
    const request = await submitted(h);
    h.runner.faults.arm('execute', new Error('lost connection to the server'));
    await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
      sqlSha256: request.run?.sha256,
    });
    await h.queue.drain();
    const failed = await h.store.get(request.id);
    expect(failed?.state).toBe('failed');
    expect(failed?.failure).toMatchObject({
      step: 'execute',
      reason: expect.stringContaining('lost connection'),
    });
    expect(h.db.accounts.size).toBe(0);
    expect(h.runner.reserved.size).toBe(0);
    expect(h.notifier.kinds()).toContain('failed');
  });

  it('fails, never re-runs, a run a crash left provisioning', async () => {
    const h = harness();
    const request = await submitted(h);
    await decideRequest(h.deps, {
      requestId: request.id,
      actor: APPROVER_1,
      verdict: 'approve',
      sqlSha256: request.run?.sha256,
    });
    h.queue.items.length = 0; // the worker died before it took the work
    await handleWork(h.deps, { kind: 'provision', requestId: request.id });
    expect(h.runner.executed).toHaveLength(1);
    const second = await submitted(h, 'DELETE FROM orders WHERE id = 9');
    await decideRequest(h.deps, {
      requestId: second.id,
      actor: APPROVER_1,
      verdict: 'approve',
      sqlSha256: second.run?.sha256,
    });
    h.queue.items.length = 0;
    const { applyCommand } = await import('../../src/app/apply-command.js');
    await applyCommand(h.deps, second.id, { type: 'start-provisioning' });
    await handleWork(h.deps, { kind: 'provision', requestId: second.id, resume: true });
    expect((await h.store.get(second.id))?.state).toBe('failed');
    expect(h.runner.executed).toHaveLength(1);
  });
});
