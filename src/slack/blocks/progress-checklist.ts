/** Provisioning progress as a checklist: launching → reachable → account ready → active. */
import type { ProvisionProgress } from '../../domain/ports.js';
import type { AccessRequest } from '../../domain/types.js';

const STEPS = [
  {
    label: 'Bastion launched',
    done: (r: AccessRequest) => r.bastionId !== undefined || r.bastion !== undefined,
  },
  { label: 'Bastion reachable', done: (r: AccessRequest) => r.bastion !== undefined },
  { label: 'Database account ready', done: (r: AccessRequest) => r.account !== undefined },
  { label: 'Access active', done: (r: AccessRequest) => r.activatedAt !== undefined },
] as const;

/**
 * How many steps a progress notification says are finished. `launching` is sent before the launch, the
 * others once their step is done.
 */
const DONE_BY_PROGRESS: Record<ProvisionProgress, number> = {
  launching: 0,
  reachable: 2,
  'account-ready': 3,
  active: 4,
};

/** The saga's step names (provision-access.ts) mapped to the checklist line they stop at. */
const FAILED_STEP: Record<string, number> = {
  'launch-bastion': 0,
  'wait-reachable': 1,
  'create-account': 2,
  schedule: 3,
  'notify-requester': 3,
};

export const CHECK = {
  done: ':white_check_mark:',
  doing: ':hourglass_flowing_sand:',
  todo: ':white_circle:',
  failed: ':x:',
};

/**
 * The checklist lines, or undefined when the request never reached provisioning (or failed outside it).
 * A step counts as done if the record says so or the latest progress notification does, whichever is further.
 */
export function progressChecklist(request: AccessRequest, progress?: ProvisionProgress): string | undefined {
  const failedAt = request.state === 'failed' ? FAILED_STEP[request.failure?.step ?? ''] : undefined;
  const showing = ['provisioning', 'active', 'warned'].includes(request.state) || failedAt !== undefined;
  if (!showing) return undefined;
  const fromRecord = STEPS.findIndex((step) => !step.done(request));
  const recorded = fromRecord === -1 ? STEPS.length : fromRecord;
  const done = Math.max(recorded, progress ? DONE_BY_PROGRESS[progress] : 0);
  return STEPS.map((step, i) => {
    if (failedAt !== undefined) {
      const mark = i < failedAt ? CHECK.done : i === failedAt ? CHECK.failed : CHECK.todo;
      return `${mark} ${step.label}`;
    }
    const mark =
      i < done ? CHECK.done : i === done && request.state === 'provisioning' ? CHECK.doing : CHECK.todo;
    return `${mark} ${step.label}`;
  }).join('\n');
}
