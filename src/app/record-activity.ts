/**
 * What an access executed, from the target's own audit records: collected when the access has ended and
 * appended to its history as one event (and posted to the approval thread), or shown on demand by
 * `drawbridge audit --activity`. Reading the records never holds up or undoes a teardown: a source that
 * cannot be read is recorded as such.
 */
import type { ActivityEvidence, ActivityWindow } from '../domain/activity.js';
import { recordedActivity, summarizeActivity } from '../domain/activity.js';
import { reasonOf } from '../domain/errors.js';
import type { AccessRequest } from '../domain/types.js';
import { applyCommand, tell } from './apply-command.js';
import { beforeDeadline } from './deadline.js';
import type { AppDeps } from './deps.js';

/** Reading one access's records (a file from a remembered position, or paginated CloudWatch Logs queries). */
export const ACTIVITY_DEADLINE_MS = 30_000;
/** Asking where the records stand, while provisioning. */
const POSITION_DEADLINE_MS = 3_000;

/** Where the target's records stand now; undefined (read everything in the window) when it cannot say. */
export async function activityPosition(
  deps: Pick<AppDeps, 'activity' | 'logger'>,
  target: string,
): Promise<string | undefined> {
  const configured = deps.activity.forTarget(target);
  if (!configured) return undefined;
  try {
    return await beforeDeadline(
      configured.source.position(),
      POSITION_DEADLINE_MS,
      'the activity source did not say where it stands within 3 s',
    );
  } catch (e) {
    deps.logger.warn('activity position unknown; its whole window will be read', {
      target,
      error: reasonOf(e),
    });
    return undefined;
  }
}

/** From the account's creation to the end of the access (or now, for access still live). */
export function activityWindow(request: AccessRequest, now: Date): ActivityWindow | undefined {
  const created = request.events.find((e) => e.type === 'account-created');
  if (!created) return undefined;
  return { from: created.at, to: request.endedAt ?? now.toISOString() };
}

/** The access's activity as evidence, or undefined when its target has no source or it never had an account. */
export async function collectActivity(
  deps: Pick<AppDeps, 'activity' | 'clock'>,
  request: AccessRequest,
): Promise<ActivityEvidence | undefined> {
  const configured = deps.activity.forTarget(request.target);
  const window = activityWindow(request, deps.clock.now());
  if (!configured || !request.account || !window) return undefined;
  const { source, options } = configured;
  try {
    const { records, utcOffsetMinutes } = await beforeDeadline(
      source.collect(request.account, window, request.activityFrom),
      ACTIVITY_DEADLINE_MS,
      `reading the audit records took longer than ${ACTIVITY_DEADLINE_MS / 1000} s`,
    );
    return {
      source: source.description,
      window,
      summary: summarizeActivity(records, options, utcOffsetMinutes),
    };
  } catch (e) {
    return { source: source.description, window, unavailable: reasonOf(e) };
  }
}

/** Once per ended (or failed) access: append its activity to the history and post it to the approval thread. */
export async function recordActivity(deps: AppDeps, requestId: string): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request || (request.state !== 'ended' && request.state !== 'failed')) return;
  if (recordedActivity(request)) return;
  const evidence = await collectActivity(deps, request);
  if (!evidence) return;
  const recorded = await applyCommand(deps, requestId, { type: 'record-activity', evidence });
  if (!recorded.ok) return;
  if ('unavailable' in evidence)
    deps.logger.warn('activity not recorded: the audit records could not be read', {
      requestId,
      error: evidence.unavailable,
    });
  await tell(deps, { kind: 'activity', request: recorded.value.after, evidence });
}
