import type { AppDeps } from './deps.js';

/**
 * On start (local mode, where timers live in the process): re-arm every schedule from the store and resume
 * work a crash interrupted. Provisioning resumes idempotently; teardown resumes from `ending`.
 */
export async function recover(deps: AppDeps): Promise<{ rearmed: number; resumed: number }> {
  let rearmed = 0;
  let resumed = 0;
  for (const r of await deps.store.listByState('requested')) {
    await deps.scheduler.schedule({
      requestId: r.id,
      kind: 'approval-timeout',
      at: new Date(r.approvalDeadline),
    });
    rearmed++;
  }
  for (const state of ['active', 'warned'] as const) {
    for (const r of await deps.store.listByState(state)) {
      if (!r.expiresAt) continue;
      const expiresAt = new Date(r.expiresAt);
      if (state === 'active') {
        await deps.scheduler.schedule({
          requestId: r.id,
          kind: 'warn',
          at: new Date(expiresAt.getTime() - deps.timings.warnBeforeSeconds * 1000),
        });
      }
      await deps.scheduler.schedule({ requestId: r.id, kind: 'teardown', at: expiresAt });
      rearmed++;
    }
  }
  for (const r of await deps.store.listByState('approved')) {
    await deps.queue.enqueue({ kind: 'provision', requestId: r.id });
    resumed++;
  }
  for (const r of await deps.store.listByState('provisioning')) {
    await deps.queue.enqueue({ kind: 'provision', requestId: r.id, resume: true });
    resumed++;
  }
  for (const r of await deps.store.listByState('ending')) {
    await deps.queue.enqueue({
      kind: 'teardown',
      requestId: r.id,
      reason: 'teardown resumed after a restart',
    });
    resumed++;
  }
  return { rearmed, resumed };
}
