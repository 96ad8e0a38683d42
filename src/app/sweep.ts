import { reasonOf } from '../domain/errors.js';
import { type AccessRequest, LIVE_STATES } from '../domain/types.js';
import { tell } from './apply-command.js';
import type { AppDeps } from './deps.js';
import { expireRequest } from './expire-request.js';
import { compensate, provisionAccess } from './provision-access.js';
import { teardownAccess } from './teardown-access.js';

export interface SweepReport {
  expired: string[];
  resumed: string[];
  timedOut: string[];
  tornDown: string[];
  orphanBastions: string[];
  orphanAccounts: string[];
  errors: string[];
}

/**
 * The third layer that ends access (DESIGN §1), run every 5 minutes and by `drawbridge sweep`:
 * overdue requests are expired, resumed, failed or torn down; bastions and MySQL accounts that no live
 * request owns are removed. Each item is handled on its own, so one failure does not stop the rest.
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
    errors: [],
  };
  const guard = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      report.errors.push(`${what}: ${reasonOf(e)}`);
      deps.logger.error('sweep step failed', { what, error: reasonOf(e) });
    }
  };
  const due = (state: AccessRequest['state']) => deps.store.listByState(state, now);

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

  const live = (await Promise.all(LIVE_STATES.map((s) => deps.store.listByState(s)))).flat();
  await guard('bastions', () => sweepBastions(deps, live, report));
  await guard('accounts', () => sweepAccounts(deps, live, report));
  return report;
}

/** Bastions whose request is not live; and live access whose bastion has vanished (its path is gone: end it). */
async function sweepBastions(deps: AppDeps, live: AccessRequest[], report: SweepReport): Promise<void> {
  const bastions = await deps.bastions.list();
  const liveIds = new Set(live.map((r) => r.id));
  for (const b of bastions.filter((b) => !liveIds.has(b.requestId))) {
    await deps.bastions.terminate(b.id);
    report.orphanBastions.push(b.id);
    await tell(deps, {
      kind: 'alert',
      message: `terminated orphan bastion ${b.id} (request ${b.requestId} is not live)`,
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

/**
 * Accounts with a Drawbridge-issued name, pinned to one of our bastion addresses, that no live request holds:
 * dropped, and people alerted.
 */
async function sweepAccounts(deps: AppDeps, live: AccessRequest[], report: SweepReport): Promise<void> {
  const names = await deps.store.listDbUserNames();
  if (names.length === 0) return;
  for (const target of deps.databases.targets()) {
    const held = new Set(
      live
        .filter((r) => r.target === target)
        .map((r) => `${r.requester.dbUser}@${r.account?.host ?? r.bastion?.sourceIp ?? ''}`),
    );
    const access = deps.databases.forTarget(target);
    for (const account of await access.listAccounts(names)) {
      const key = `${account.user}@${account.host}`;
      // A locked account is one kept because it owns objects; it cannot log in and was reported already.
      if (account.locked || held.has(key) || !deps.bastions.ownsAddress(account.host)) continue;
      await access.dropAccount(account);
      report.orphanAccounts.push(`${target}:${key}`);
      await tell(deps, { kind: 'alert', message: `dropped orphan MySQL account ${key} on ${target}` });
    }
  }
}
