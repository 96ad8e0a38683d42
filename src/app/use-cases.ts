import { currentTierPolicy, effectiveTierPolicy, isApprover } from '../domain/policy.js';
import { refusalOf } from '../domain/state-machine.js';
import type { AccessRequest } from '../domain/types.js';
import { decideRequest } from './decide-request.js';
import type { AppDeps } from './deps.js';
import { endAccess } from './end-access.js';
import { decideExtension, requestExtension } from './extend-access.js';
import { reviewBreakGlass } from './review-break-glass.js';
import { precheckRun, submitRequest } from './submit-request.js';

/**
 * The use cases bound to their dependencies: what a driving adapter (the Slack listeners, a Lambda
 * handler) may call. Listeners receive this, never an adapter.
 */
export function bindUseCases(deps: AppDeps) {
  return {
    submit: (input: Parameters<typeof submitRequest>[1]) => submitRequest(deps, input),
    precheckRun: (input: Parameters<typeof precheckRun>[1]) => precheckRun(deps, input),
    decide: (input: Parameters<typeof decideRequest>[1]) => decideRequest(deps, input),
    end: (input: Parameters<typeof endAccess>[1]) => endAccess(deps, input),
    requestExtension: (input: Parameters<typeof requestExtension>[1]) => requestExtension(deps, input),
    decideExtension: (input: Parameters<typeof decideExtension>[1]) => decideExtension(deps, input),
    /**
     * Show credentials and Refresh grants touch the database, so they are handed to the worker, which answers
     * the click itself (the modal `viewId`, the `responseUrl`): the Slack side holds no database credential.
     */
    handOverCredentials: (input: { requestId: string; actor: string; viewId: string }) =>
      deps.queue.enqueue({ kind: 'reveal-credentials', ...input }),
    handOverGrantRefresh: (input: { requestId: string; actor: string; responseUrl: string }) =>
      deps.queue.enqueue({ kind: 'refresh-grants', ...input }),
    review: (input: Parameters<typeof reviewBreakGlass>[1]) => reviewBreakGlass(deps, input),
    get: (requestId: string) => deps.store.get(requestId),
    policyOf: (target: string) => deps.policies.get(target),
    listMine: (userId: string) => deps.store.listByRequester(userId, 20),
    /** Requests waiting for this user's decision: undecided, not their own, and they are an approver of it. */
    waitingOn: async (userId: string): Promise<AccessRequest[]> => {
      const groups = await deps.directory.groupsOf(userId);
      const pending = await deps.store.listByState('requested');
      return pending.filter((r) => {
        const policy = currentTierPolicy(deps.policies, r);
        return (
          policy !== undefined &&
          r.requester.slackUserId !== userId &&
          !r.approvals.some((a) => a.by === userId) &&
          isApprover(policy, userId, groups)
        );
      });
    },
    /** Whether `userId` may decide on this request now (checked before a modal opens; the decision re-checks). */
    /**
     * Whether `userId` may decide on this request now, asked before the deny modal opens: a dry run of the
     * state machine's own guards (nothing is written; the decision itself checks again).
     */
    mayDecide: async (
      requestId: string,
      userId: string,
    ): Promise<{ ok: true } | { ok: false; message: string }> => {
      const request = await deps.store.get(requestId);
      if (!request) return { ok: false, message: `no request ${requestId}` };
      const actorGroups = await deps.directory.groupsOf(userId);
      const ctx = {
        now: deps.clock.now(),
        policy: effectiveTierPolicy(deps.policies, request),
        timings: deps.timings,
      };
      const refusal = refusalOf(request, { type: 'deny', actor: userId, actorGroups }, ctx);
      return refusal ? { ok: false, message: refusal.message } : { ok: true };
    },
    /** The longest extension the policy still allows this request. */
    extensionRoom: async (requestId: string): Promise<number> => {
      const request = await deps.store.get(requestId);
      const policy = request && currentTierPolicy(deps.policies, request);
      if (!request || !policy || request.extensions.count >= policy.extension.maxCount) return 0;
      return policy.extension.maxTotalSeconds - request.extensions.totalSeconds;
    },
  };
}

export type UseCases = ReturnType<typeof bindUseCases>;
