/**
 * `drawbridge audit`: read the requests, keep those the reviewer asked about, verify each history, and print
 * them (or write the evidence report). Reads only: nothing here writes the store or the database.
 *
 * Exit codes: 0 all shown histories verify; 3 `--request` names no request; 4 a history does not verify
 * (a broken chain, an invalid signature, a witness mismatch — and with `--verify`, a missing signature or key).
 * Usage errors are 2 (the CLI's), anything that stops the run 1.
 */
import type { ActivityEvidence } from '../../domain/activity.js';
import { recordedActivity } from '../../domain/activity.js';
import { matchesFilter } from '../../domain/audit-query.js';
import type { SealKey } from '../../domain/seal.js';
import type { AccessRequest } from '../../domain/types.js';
import { formatStories } from './audit-formats.js';
import type { AuditOptions } from './audit-options.js';
import { htmlReport, markdownReport } from './audit-report.js';
import type { AuditStory } from './audit-story.js';
import { verifyRequest, type WitnessedHead } from './verification.js';

export const AUDIT_EXIT = { ok: 0, noSuchRequest: 3, notVerified: 4 } as const;

export interface AuditSource {
  get(id: string): Promise<AccessRequest | undefined>;
  listAll(): Promise<AccessRequest[]>;
}

export interface AuditRunDeps {
  /** Undefined when nothing is recorded anywhere. */
  store: AuditSource | undefined;
  /** Where the records were read, for the report. */
  source: string;
  now: Date;
  keys: readonly SealKey[];
  witness: readonly WitnessedHead[];
  /** The tier's privileges and the target's protected tables, as the config says now. */
  granted(request: AccessRequest): AuditStory['granted'];
  /** `--activity`: the access's records read now from its target's source. */
  readActivity(request: AccessRequest): Promise<ActivityEvidence | undefined>;
  writeReport(path: string, text: string): Promise<void>;
}

export interface AuditOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAudit(options: AuditOptions, deps: AuditRunDeps): Promise<AuditOutcome> {
  const stderr: string[] = [];
  const requests = await requestsOf(options, deps.store);
  if (options.requestId && requests.length === 0)
    return {
      code: AUDIT_EXIT.noSuchRequest,
      stdout: options.format === 'json' ? '[]\n' : '',
      stderr: `drawbridge audit: no request ${options.requestId}${deps.store ? '' : ' (nothing is recorded)'}\n`,
    };
  requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
  const stories: AuditStory[] = [];
  for (const request of requests) {
    const activity = recordedActivity(request);
    const granted = deps.granted(request);
    const story: AuditStory = {
      request,
      verification: verifyRequest(request, deps.keys, deps.witness, options.verify),
      ...(activity ? { activity } : {}),
      ...(granted ? { granted } : {}),
    };
    if (options.activity) {
      const live = await deps.readActivity(request);
      if (live) story.liveActivity = live;
      else
        stderr.push(
          `drawbridge audit: ${request.id} has no activity to read (no audit source, or no account)\n`,
        );
    }
    stories.push(story);
  }
  const unverified = stories.filter((s) => !s.verification.ok);
  for (const s of unverified)
    stderr.push(
      `drawbridge audit: ${s.request.id} does NOT verify: chain ${s.verification.chain}; signature ${s.verification.signature}${s.verification.witness ? `; witness ${s.verification.witness}` : ''}\n`,
    );
  if (options.verify && unverified.length === 0)
    stderr.push(
      `drawbridge audit: ${stories.length} history(ies) verified (chain, signature${deps.witness.length > 0 ? ', witness' : ''})\n`,
    );

  let stdout = '';
  if (options.report) {
    const scope = {
      title: options.requestId ? `request ${options.requestId}` : periodTitle(options),
      generatedAt: deps.now,
      source: deps.source,
    };
    const html = /\.html?$/i.test(options.report);
    await deps.writeReport(
      options.report,
      html ? htmlReport(stories, scope) : markdownReport(stories, scope),
    );
    stdout = `wrote ${options.report} (${stories.length} request(s))\n`;
  } else {
    stdout = formatStories(stories, options.format, options.requestId !== undefined);
  }
  return {
    code: unverified.length > 0 ? AUDIT_EXIT.notVerified : AUDIT_EXIT.ok,
    stdout,
    stderr: stderr.join(''),
  };
}

async function requestsOf(options: AuditOptions, store: AuditSource | undefined): Promise<AccessRequest[]> {
  if (!store) return [];
  if (options.requestId) {
    const one = await store.get(options.requestId);
    return one ? [one] : [];
  }
  return (await store.listAll()).filter((r) => matchesFilter(r, options.filter));
}

function periodTitle(options: AuditOptions): string {
  const f = options.filter;
  const parts = [
    f.since ? `from ${f.since.toISOString()}` : undefined,
    f.until ? `until ${f.until.toISOString()}` : undefined,
    f.requester ? `requester ${f.requester}` : undefined,
    f.approver ? `approver ${f.approver}` : undefined,
    f.target ? `target ${f.target}` : undefined,
    f.tier ? `tier ${f.tier}` : undefined,
    f.state ? `state ${f.state}` : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? `requests ${parts.join(', ')}` : 'every request';
}
