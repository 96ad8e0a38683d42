/**
 * Durable notifications. Every notification is written to the outbox before it is sent, then each of its
 * parts is delivered on its own; what fails stays in the outbox and is retried with backoff (by the local
 * drain timer and by every sweep) until delivered or older than the maximum age. A delivery failure never
 * fails or undoes anything: access is not revoked because Slack had a bad minute.
 */
import { randomUUID } from 'node:crypto';
import { reasonOf } from '../domain/errors.js';
import type { Notification, OutboxEntry } from '../domain/ports.js';
import type { AppDeps } from './deps.js';

/** The part of a notifier without parts. */
const WHOLE = 'whole';
const FIRST_RETRY_SECONDS = 2;
const MAX_RETRY_SECONDS = 300;
/**
 * While an attempt is running its entry is not due: a drain must not send the same message a second time
 * beside it. Longer than any one attempt (Slack calls retry for at most 30 s, each timing out at 10 s); an
 * attempt cut short by a crash is retried when the lease ends.
 */
const LEASE_SECONDS = 60;
/** Notifications older than this are given up (logged as errors): a day-old "ready" helps nobody. */
export const NOTIFICATION_MAX_AGE_SECONDS = 24 * 3600;

type Deps = Pick<AppDeps, 'notifier' | 'outbox' | 'logger' | 'clock' | 'store'>;

/** Record and send a notification; never throws. Returns whether every part went out now. */
export async function tell(deps: Deps, notification: Notification): Promise<boolean> {
  const pending = deps.notifier.parts?.(notification) ?? [WHOLE];
  if (pending.length === 0) return true;
  const now = deps.clock.now();
  const entry: OutboxEntry = {
    id: `${now.toISOString()}-${randomUUID()}`,
    notification,
    pending,
    attempts: 0,
    createdAt: now.toISOString(),
    nextAttemptAt: leaseFrom(now),
  };
  let recorded = true;
  try {
    await deps.outbox.put(entry);
  } catch (e) {
    recorded = false;
    deps.logger.error('notification not recorded in the outbox; sending it once', {
      kind: notification.kind,
      error: reasonOf(e),
    });
  }
  return attempt(deps, entry, recorded);
}

/** Retry every outbox entry that is due. Returns how many entries were fully delivered. */
export async function drainOutbox(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  let delivered = 0;
  for (const entry of await deps.outbox.due(now)) {
    const age = (now.getTime() - Date.parse(entry.createdAt)) / 1000;
    if (age > NOTIFICATION_MAX_AGE_SECONDS) {
      deps.logger.error('notification given up after its maximum age', {
        kind: entry.notification.kind,
        requestId: requestIdOf(entry.notification),
        pending: entry.pending,
        lastError: entry.lastError,
      });
      await deps.outbox.remove(entry.id);
      continue;
    }
    const fresh = await refreshed(deps, entry);
    if (fresh === undefined) {
      await deps.outbox.remove(entry.id);
      continue;
    }
    const leased = { ...entry, notification: fresh, nextAttemptAt: leaseFrom(now) };
    await deps.outbox.put(leased);
    if (await attempt(deps, leased, true)) delivered++;
  }
  return delivered;
}

/**
 * Nothing stale is sent: a retried notification about a request shows it as it is now (an approval-message
 * update collapses into the latest), and a warning whose access has ended or expired meanwhile is dropped.
 */
async function refreshed(deps: Deps, entry: OutboxEntry): Promise<Notification | undefined> {
  const n = entry.notification;
  if (!('request' in n) || n.request === undefined) return n;
  const latest = await deps.store.get(n.request.id);
  if (!latest) return n;
  if (n.kind === 'warning') {
    const over =
      latest.state !== 'warned' ||
      (latest.expiresAt && Date.parse(latest.expiresAt) <= deps.clock.now().getTime());
    if (over) return undefined;
  }
  return { ...n, request: latest } as Notification;
}

async function attempt(deps: Deps, entry: OutboxEntry, recorded: boolean): Promise<boolean> {
  const left: string[] = [];
  let lastError: string | undefined;
  for (const part of entry.pending) {
    try {
      await deps.notifier.notify(entry.notification, part === WHOLE ? undefined : part);
    } catch (e) {
      left.push(part);
      lastError = reasonOf(e);
    }
  }
  try {
    if (left.length === 0) {
      if (recorded) await deps.outbox.remove(entry.id);
      return true;
    }
    const attempts = entry.attempts + 1;
    const wait = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1));
    deps.logger.warn('notification not delivered yet; retrying', {
      kind: entry.notification.kind,
      requestId: requestIdOf(entry.notification),
      pending: left,
      attempts,
      retryInSeconds: wait,
      error: lastError,
    });
    await deps.outbox.put({
      ...entry,
      pending: left,
      attempts,
      nextAttemptAt: new Date(deps.clock.now().getTime() + wait * 1000).toISOString(),
      ...(lastError === undefined ? {} : { lastError }),
    });
  } catch (e) {
    deps.logger.error('outbox not updated', { kind: entry.notification.kind, error: reasonOf(e) });
  }
  return false;
}

const leaseFrom = (now: Date): string => new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();

const requestIdOf = (n: Notification): string | undefined => ('request' in n ? n.request?.id : undefined);
