import type { Job, WorkItem } from '../domain/ports.js';
import { answerAccessClick } from './credentials.js';
import type { AppDeps } from './deps.js';
import { executeRun } from './execute-run.js';
import { expireRequest } from './expire-request.js';
import { postDigest } from './post-digest.js';
import { compensate, provisionAccess } from './provision-access.js';
import { sweep } from './sweep.js';
import { teardownAccess } from './teardown-access.js';
import { warnExpiry } from './warn-expiry.js';

/** What the worker does with a handed-off item (in-process queue locally, Lambda `worker` in AWS). */
export async function handleWork(deps: AppDeps, item: WorkItem): Promise<void> {
  switch (item.kind) {
    case 'provision': {
      const request = await deps.store.get(item.requestId);
      if (request?.run) {
        // A run is executed once: one a crash left provisioning fails (its account removed), never resumes.
        if (request.state === 'provisioning' && item.resume)
          await compensate(
            deps,
            request.id,
            'execute',
            'the run was interrupted (the worker restarted); it was not run again',
          );
        else await executeRun(deps, item.requestId);
        return;
      }
      await provisionAccess(deps, item.requestId, { resume: item.resume === true });
      return;
    }
    case 'teardown':
      await teardownAccess(deps, item.requestId, 'system', item.reason);
      return;
    case 'sweep':
      await sweep(deps);
      return;
    case 'digest':
      await postDigest(deps);
      return;
    case 'reveal-credentials':
    case 'refresh-grants':
      await answerAccessClick(deps, item);
      return;
  }
}

/** What a scheduled job does when it fires. Each is idempotent: a duplicate firing changes nothing. */
export async function handleJob(deps: AppDeps, job: Pick<Job, 'requestId' | 'kind'>): Promise<void> {
  switch (job.kind) {
    case 'approval-timeout':
      await expireRequest(deps, job.requestId);
      return;
    case 'warn':
      await warnExpiry(deps, job.requestId);
      return;
    case 'teardown':
      await teardownAccess(deps, job.requestId, 'system', 'expired');
      return;
  }
}
