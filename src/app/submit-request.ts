import { createHash } from 'node:crypto';
import { dbUserNameCandidates } from '../domain/names.js';
import { newRequest } from '../domain/new-request.js';
import { checkSubmission, type PolicyError } from '../domain/policy.js';
import type { TargetPolicy } from '../domain/policy-types.js';
import { newRequestId } from '../domain/request-id.js';
import { checkLimits, checkRequester, type RequesterError } from '../domain/requester-policy.js';
import { err, ok, type Result } from '../domain/result.js';
import type { AccessRequest, RunFormat, RunSpec, Tier } from '../domain/types.js';
import { applyCommand, tell } from './apply-command.js';
import type { AppDeps } from './deps.js';

export interface SubmitInput {
  requesterId: string;
  target: string;
  tier: Tier;
  durationSeconds: number;
  reason: string;
  ticket?: string | undefined;
  /** Break-glass: self-approved at once, approvers told, reviewed afterwards. */
  breakGlass?: { justification: string } | undefined;
  /** A run: this SQL, executed once by Drawbridge (`durationSeconds` is then its time budget, set here). */
  run?: RunInput | undefined;
}

export interface RunInput {
  sql: string;
  /** The schema the statements run in; the target's first when absent. */
  schema?: string | undefined;
  /** DML: the rows the statements must affect in all. */
  expectedRows?: number | undefined;
  format?: RunFormat | undefined;
}

/** Slack's limit on a modal's text input, and so on a run's SQL. */
export const MAX_RUN_SQL_LENGTH = 3_000;

/** How many of the requester's newest requests the caps are counted over. */
const HISTORY = 100;

export type SubmitError =
  | PolicyError
  | { code: 'sql_refused' | 'sql_unparsable'; message: string }
  | RequesterError
  | { code: 'unknown_target'; message: string }
  | { code: 'no_email'; message: string }
  | { code: 'name_unavailable'; message: string };

/**
 * Check who asks and how much (guests, other workspaces, the break-glass list, the caps), record the new
 * request, then route it: break-glass and auto-approval go straight to provisioning, the rest to the approvers. */
export async function submitRequest(
  deps: AppDeps,
  input: SubmitInput,
): Promise<Result<AccessRequest, SubmitError>> {
  const target = deps.policies.get(input.target);
  if (!target) {
    const known = [...deps.policies.keys()].join(', ');
    return err({ code: 'unknown_target', message: `unknown target "${input.target}" (known: ${known})` });
  }
  const run = input.run ? checkRunInput(deps, target, input.tier, input.run) : undefined;
  if (run && !run.ok) return run;
  // A run's time budget: each statement's deadline, for every statement.
  const submission = run?.ok ? { ...input, durationSeconds: run.value.budgetSeconds } : input;
  const checked = checkSubmission(target, submission);
  if (!checked.ok) return checked;
  const policy = checked.value;

  const user = await deps.directory.lookup(input.requesterId);
  if (!user?.email) {
    return err({
      code: 'no_email',
      message:
        'your Slack profile has no e-mail address, which Drawbridge needs to name your database account; ask a workspace admin to add it',
    });
  }
  const groups = input.breakGlass ? await deps.directory.groupsOf(input.requesterId) : [];
  const who = checkRequester(
    target,
    { id: input.requesterId, groups, guest: user.guest === true, external: user.external === true },
    input.breakGlass,
  );
  if (!who.ok) return who;
  const history = await deps.store.listByRequester(input.requesterId, HISTORY);
  const capped = checkLimits(policy.limits, input, history, deps.clock.now());
  if (!capped.ok) return capped;

  const dbUser = await claimName(deps, user.email, input.requesterId, target.userPrefix);
  if (!dbUser)
    return err({
      code: 'name_unavailable',
      message: 'no free database user name could be derived from your e-mail',
    });

  const request = newRequest(
    {
      ...submission,
      run: run?.ok ? run.value.spec : undefined,
      id: newRequestId(deps.random),
      requester: { slackUserId: input.requesterId, email: user.email, dbUser },
    },
    policy,
    deps.clock.now(),
  );
  await deps.store.create(request);
  deps.logger.info('request submitted', {
    requestId: request.id,
    target: request.target,
    tier: request.tier,
  });

  if (input.breakGlass || policy.autoApprove) {
    const applied = await applyCommand(
      deps,
      request.id,
      input.breakGlass ? { type: 'break-glass', actor: input.requesterId } : { type: 'auto-approve' },
    );
    if (!applied.ok)
      throw new Error(`fresh request ${request.id} refused approval: ${applied.error.message}`);
    if (input.breakGlass) await tell(deps, { kind: 'break-glass', request: applied.value.after });
    else
      await tell(deps, { kind: 'decision', request: applied.value.after, by: 'policy', verdict: 'approve' });
    await deps.queue.enqueue({ kind: 'provision', requestId: request.id });
    return ok(applied.value.after);
  }
  await deps.scheduler.schedule({
    requestId: request.id,
    kind: 'approval-timeout',
    at: new Date(request.approvalDeadline),
  });
  await tell(deps, { kind: 'approval-requested', request });
  return ok(request);
}

/** A run's SQL checked as submit will check it, before anything is recorded (the form answers at once). */
export function precheckRun(
  deps: AppDeps,
  input: { target: string; tier: Tier; run: RunInput },
): Result<RunSpec, SubmitError> {
  const target = deps.policies.get(input.target);
  if (!target) return err({ code: 'unknown_target', message: `unknown target "${input.target}"` });
  const checked = checkRunInput(deps, target, input.tier, input.run);
  return checked.ok ? ok(checked.value.spec) : checked;
}

/** The run's SQL checked against the tier, as the spec its approvers will see. */
function checkRunInput(
  deps: AppDeps,
  target: TargetPolicy,
  tier: Tier,
  input: RunInput,
): Result<{ spec: RunSpec; budgetSeconds: number }, SubmitError> {
  const policy = target.tiers[tier];
  if (!policy) return err({ code: 'unknown_tier', message: `${target.name} does not offer ${tier}` });
  const refuse = (message: string) => err<SubmitError>({ code: 'sql_refused', message });
  if (input.sql.length > MAX_RUN_SQL_LENGTH)
    return refuse(`a run's SQL is at most ${MAX_RUN_SQL_LENGTH} characters; this is ${input.sql.length}`);
  const schema = input.schema ?? target.schemas[0];
  if (!schema || !target.schemas.includes(schema))
    return refuse(`\`${input.schema}\` is not a schema of ${target.name} (${target.schemas.join(', ')})`);
  const checked = deps.sql.check(input.sql, {
    tier,
    privileges: policy.privileges,
    schemas: target.schemas,
    protectedTables: target.protectedTables,
  });
  if (!checked.ok) return checked;
  const { mode, statements } = checked.value;
  if (mode === 'dml' && input.expectedRows === undefined)
    return refuse(
      'say how many rows the statements will change (expected rows): the run rolls back if it differs',
    );
  const spec: RunSpec = {
    sql: input.sql,
    sha256: createHash('sha256').update(input.sql).digest('hex'),
    schema,
    mode,
    statements,
    ...(mode === 'dml' && input.expectedRows !== undefined ? { expectedRows: input.expectedRows } : {}),
    ...(mode === 'export' ? { format: input.format ?? 'csv' } : {}),
  };
  return ok({ spec, budgetSeconds: policy.runs.statementTimeoutSeconds * statements.length });
}

/** The first candidate name nobody else holds; the same person always gets the same name. */
async function claimName(
  deps: AppDeps,
  email: string,
  slackUserId: string,
  prefix: string,
): Promise<string | undefined> {
  for (const candidate of dbUserNameCandidates(email, slackUserId, prefix)) {
    if (await deps.store.claimDbUserName(candidate, slackUserId)) return candidate;
  }
  return undefined;
}
