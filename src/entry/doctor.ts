/**
 * `drawbridge doctor`: checks that the config's targets, Slack and AWS resources are usable as configured,
 * without changing anything, and says what to fix. Every dependency is injected (doctorDepsFromConfig
 * builds the real ones), so the checks run against fakes in tests.
 */

import type { DrawbridgeConfig } from '../config/config-types.js';
import { dbUserNameCandidates } from '../domain/names.js';
import { type AwsClients, awsChecks } from './doctor-checks/aws-checks.js';
import { type CheckStatus, check, type DoctorCheck } from './doctor-checks/check.js';
import { databaseChecks, type MysqlAdminFactory } from './doctor-checks/database-checks.js';
import {
  activityCheck,
  digestCheck,
  historySigningCheck,
  type KeyProbe,
  type LogsProbe,
} from './doctor-checks/evidence-checks.js';
import { approversCheck } from './doctor-checks/ownership-checks.js';
import { type SlackAuthClient, slackCheck } from './doctor-checks/slack-check.js';

export type { AwsClients } from './doctor-checks/aws-checks.js';
export type { CheckStatus, DoctorCheck } from './doctor-checks/check.js';
export type { MysqlAdminFactory } from './doctor-checks/database-checks.js';
export type { SlackAuthClient } from './doctor-checks/slack-check.js';

export interface DoctorDeps {
  mysqlAdmin: MysqlAdminFactory;
  /** Reads a CloudWatch Logs group (the targets' Aurora audit export); absent without AWS access. */
  logs?: LogsProbe;
  /** Describes the KMS history key; absent without AWS access. */
  keys?: KeyProbe;
  /** Absent when there is no bot token: the Slack check is skipped. */
  slack?: SlackAuthClient;
  /** Absent in local mode: the AWS checks are skipped. */
  aws?: AwsClients;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  counts: Record<CheckStatus, number>;
}

/** Runs every check; never throws for a failed check (it is a `fail` line), only for a bug. */
export async function runDoctor(config: DrawbridgeConfig, deps: DoctorDeps): Promise<DoctorReport> {
  const names = config.targets.map((t) => t.name).join(', ');
  const checks: DoctorCheck[] = [
    check('config', 'ok', `mode ${config.mode}, ${config.targets.length} target(s): ${names}`),
  ];
  // Targets one after another: each opens one admin connection, and a report in config order reads best.
  for (const target of config.targets) {
    const names = config.directory.users.flatMap((u) =>
      dbUserNameCandidates(u.email, u.id, target.policy.userPrefix).slice(0, 1),
    );
    checks.push(...(await databaseChecks(target, deps.mysqlAdmin, names)));
    checks.push(approversCheck(`target ${target.name}: approvers`, target));
  }
  for (const target of config.targets) checks.push(await activityCheck(target, config, deps));
  checks.push(await historySigningCheck(config, deps), digestCheck(config));
  const [slack, aws] = await Promise.all([slackCheck(deps.slack), awsChecks(config, deps.aws)]);
  checks.push(slack, ...aws);
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return { checks, counts };
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** One line per check (`✓ name — detail`), then a summary line. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = report.checks.map((c) => `${MARK[c.status]} ${c.name} — ${c.detail}`);
  const { ok, warn, fail, skip } = report.counts;
  const verdict = fail > 0 ? 'not ready' : warn > 0 ? 'ready, with warnings' : 'ready';
  lines.push('', `${verdict}: ${ok} ok, ${warn} warning(s), ${fail} failed, ${skip} skipped`);
  return lines.join('\n');
}

/** 1 when any check failed, else 0 (warnings do not fail the command). */
export function doctorExitCode(report: DoctorReport): number {
  return report.counts.fail > 0 ? 1 : 0;
}
