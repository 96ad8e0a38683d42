import { parseWorkerEvent } from '../../adapters/aws/worker-event.js';
import type { AppDeps } from '../../app/deps.js';
import { handleJob, handleWork } from '../../app/dispatch.js';
import { sweep } from '../../app/sweep.js';

export type WorkerResult = { ok: true; kind: string } | { ok: false; error: string };

/**
 * The `worker` Lambda: provision / warn / teardown / sweep, from EventBridge Scheduler and from the `slack`
 * Lambda's asynchronous Invoke. Every event is validated; a malformed one is reported, not retried (a retry
 * cannot fix it). Duplicate deliveries are harmless: each use case is one conditional write per step.
 */
export function createWorkerHandler(getDeps: () => Promise<AppDeps>) {
  return async (event: unknown): Promise<WorkerResult> => {
    const parsed = parseWorkerEvent(event);
    const deps = await getDeps();
    if (!parsed.ok) {
      deps.logger.error('invalid worker event', { error: parsed.error.message });
      return { ok: false, error: parsed.error.message };
    }
    const e = parsed.value;
    switch (e.kind) {
      case 'job':
        await handleJob(deps, e.job);
        break;
      case 'work':
        await handleWork(deps, e.item);
        break;
      case 'sweep': {
        const report = await sweep(deps);
        deps.logger.info('sweep done', { ...report });
        break;
      }
    }
    return { ok: true, kind: e.kind };
  };
}
