/**
 * The daily digest: every write and DDL statement run through Drawbridge in the last 24 hours, grouped by
 * request, and the chain head of every history that changed — posted to the security channel through the
 * outbox (a Slack outage delays it, never loses it).
 */
import { buildDigest, type Digest } from '../domain/digest.js';
import { REQUEST_STATES, TERMINAL_STATES } from '../domain/types.js';
import { tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

export const DIGEST_PERIOD_SECONDS = 24 * 3600;

export async function postDigest(deps: AppDeps): Promise<Digest> {
  const until = deps.clock.now();
  const since = new Date(until.getTime() - DIGEST_PERIOD_SECONDS * 1000);
  // A closed request's `dueAt` is when it closed: only those closed in the period are read. Open ones are few.
  const lists = await Promise.all(
    REQUEST_STATES.map((state) =>
      deps.store.listByState(state, TERMINAL_STATES.includes(state) ? { after: since } : {}),
    ),
  );
  const digest = buildDigest(lists.flat(), since, until);
  await tell(deps, { kind: 'digest', digest });
  deps.logger.info('digest posted', { requests: digest.entries.length, heads: digest.heads.length });
  return digest;
}
