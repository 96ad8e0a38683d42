import { dbUserNameCandidates } from '../domain/names.js';
import { newRequest } from '../domain/new-request.js';
import { checkSubmission, type PolicyError } from '../domain/policy.js';
import { newRequestId } from '../domain/request-id.js';
import { checkLimits, checkRequester, type RequesterError } from '../domain/requester-policy.js';
import { err, ok, type Result } from '../domain/result.js';
import type { AccessRequest, Tier } from '../domain/types.js';
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
}

/** How many of the requester's newest requests the caps are counted over. */
const HISTORY = 100;

export type SubmitError =
  | PolicyError
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
  const checked = checkSubmission(target, input);
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
      ...input,
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
