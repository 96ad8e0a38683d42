import { recordedActivity } from '../domain/activity.js';
import { reasonOf } from '../domain/errors.js';
import { describeOwned } from '../domain/ownership.js';
import { type AccessRequest, LIVE_STATES, type Tier } from '../domain/types.js';
import { tell } from './apply-command.js';
import { drainOutbox } from './deliver-notifications.js';
import type { AppDeps } from './deps.js';
import { expireRequest } from './expire-request.js';
import {
  isAccountRecord,
  isBastionRecord,
  type Released,
  releaseAccount,
  releaseBastion,
} from './owned-resources.js';
import { compensate, provisionAccess } from './provision-access.js';
import { recordActivity } from './record-activity.js';
import { teardownAccess } from './teardown-access.js';

export interface SweepReport {
  expired: string[];
  resumed: string[];
  timedOut: string[];
  tornDown: string[];
  orphanBastions: string[];
  orphanAccounts: string[];
  /** Bastions with Drawbridge's tags that no record of this deployment holds: left alone. */
  foreignBastions: string[];
  /** Ended access whose activity a crash kept from being recorded at teardown, recorded now. */
  activityRecorded: string[];
  errors: string[];
}

/** How far back the sweeper looks for ended access without its activity (a crash between end and record). */
const ACTIVITY_CATCH_UP_SECONDS = 24 * 3600;

/**
 * The third layer that ends access, run every 5 minutes and by `drawbridge sweep`:
 * overdue requests are expired, resumed, failed or torn down; accounts and bastions the ownership ledger says
 * Drawbridge made for requests no longer live are removed; every tier's role is synced with the tables.
 * Each item is handled on its own, so one failure does not stop the rest.
 */
export async function sweep(deps: AppDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const report: SweepReport = {
    expired: [],
    resumed: [],
    timedOut: [],
    tornDown: [],
    orphanBastions: [],
    orphanAccounts: [],
    foreignBastions: [],
    activityRecorded: [],
    errors: [],
  };
  const guard = (what: string, action: () => Promise<void>) => guardStep(report, deps, what, action);
  const due = (state: AccessRequest['state']) => deps.store.listByState(state, { before: now });

  for (const r of await due('requested'))
    await guard(r.id, async () => void ((await expireRequest(deps, r.id)) && report.expired.push(r.id)));
  for (const r of await due('approved')) {
    await guard(r.id, async () => {
      await provisionAccess(deps, r.id);
      report.resumed.push(r.id);
    });
  }
  for (const r of await due('provisioning')) {
    await guard(r.id, async () => {
      await compensate(deps, r.id, 'timeout', 'provisioning took longer than the configured timeout');
      report.timedOut.push(r.id);
    });
  }
  for (const state of ['active', 'warned', 'ending'] as const) {
    for (const r of await due(state)) {
      await guard(r.id, async () => {
        const result = await teardownAccess(
          deps,
          r.id,
          'system',
          state === 'ending' ? 'teardown resumed by the sweeper' : 'expired (sweeper)',
        );
        if (result.outcome !== 'skipped') report.tornDown.push(r.id);
      });
    }
  }

  const since = new Date(now.getTime() - ACTIVITY_CATCH_UP_SECONDS * 1000);
  for (const state of ['ended', 'failed'] as const) {
    for (const r of await deps.store.listByState(state, { after: since })) {
      if (!r.account || !deps.activity.forTarget(r.target)) continue;
      if (recordedActivity(r)) continue;
      await guard(r.id, async () => {
        await recordActivity(deps, r.id);
        report.activityRecorded.push(r.id);
      });
    }
  }

  const live = (await Promise.all(LIVE_STATES.map((s) => deps.store.listByState(s)))).flat();
  await guard('owned accounts and bastions', () => sweepOwned(deps, live, report));
  await syncRoles(deps, report);
  await guard('notifications', async () => void (await drainOutbox(deps)));
  return report;
}

/**
 * What the ledger says Drawbridge made for requests that are no longer live: removed (the account dropped and
 * its sessions killed, the bastion terminated). Nothing else is touched: a tagged bastion without a record is
 * another deployment's, or somebody's copy of our tags, and is only reported. Live access whose bastion has
 * vanished (its dead-man switch fired) is ended.
 */
async function sweepOwned(deps: AppDeps, live: AccessRequest[], report: SweepReport): Promise<void> {
  const liveIds = new Set(live.map((r) => r.id));
  const records = await deps.ledger.listUnreleased();
  for (const record of records.filter((r) => !liveIds.has(r.requestId))) {
    // A locked account is one kept because it owns objects; it cannot log in and was reported already.
    if (record.state === 'locked') continue;
    await guardStep(report, deps, `${record.requestId} ${describeOwned(record.owned)}`, async () => {
      const request = await deps.store.get(record.requestId);
      // A listing can lag behind the request's state: only what is not live now is released.
      if (request && LIVE_STATES.includes(request.state)) return;
      const out: Released = { removed: [], leftovers: [], pathCut: true };
      if (isAccountRecord(record)) await releaseAccount(deps, record, out, request);
      else if (isBastionRecord(record)) await releaseBastion(deps, record, out);
      if (out.leftovers.length > 0) throw new Error(out.leftovers.join('; '));
      if (out.removed.length === 0) return;
      const what = describeOwned(record.owned);
      (isAccountRecord(record) ? report.orphanAccounts : report.orphanBastions).push(
        `${record.owned.target}:${record.requestId}:${what}`,
      );
      await tell(deps, {
        kind: 'alert',
        ...(request ? { request } : {}),
        message: `removed ${out.removed.join('; ')} left behind by request ${record.requestId} (${request?.state ?? 'unknown'})`,
      });
    });
  }

  const bastions = await deps.bastions.list();
  const recorded = new Set(records.filter(isBastionRecord).map((r) => r.requestId));
  for (const b of bastions.filter((b) => !liveIds.has(b.requestId) && !recorded.has(b.requestId))) {
    const record = await deps.ledger.get({ kind: 'bastion', target: '' }, b.requestId);
    if (!record) report.foreignBastions.push(b.id);
  }
  if (report.foreignBastions.length > 0) {
    deps.logger.warn('bastions with Drawbridge tags but no record of ours were left alone', {
      bastions: report.foreignBastions,
    });
  }
  const running = new Set(bastions.map((b) => b.id));
  for (const r of live.filter(
    (r) => (r.state === 'active' || r.state === 'warned') && r.bastionId && !running.has(r.bastionId),
  )) {
    const result = await teardownAccess(deps, r.id, 'system', 'bastion is gone');
    if (result.outcome !== 'skipped') report.tornDown.push(r.id);
  }
}

/** Every tier's role follows the tables that exist now: a table created or renamed into a protected pattern closes. */
async function syncRoles(deps: AppDeps, report: SweepReport): Promise<void> {
  for (const target of deps.databases.targets()) {
    const tiers = Object.keys(deps.policies.get(target)?.tiers ?? {}) as Tier[];
    await guardStep(report, deps, `grants on ${target}`, () =>
      deps.databases.forTarget(target).syncTierGrants(tiers),
    );
  }
}

async function guardStep(report: SweepReport, deps: AppDeps, what: string, action: () => Promise<void>) {
  try {
    await action();
  } catch (e) {
    report.errors.push(`${what}: ${reasonOf(e)}`);
    deps.logger.error('sweep step failed', { what, error: reasonOf(e) });
  }
}
