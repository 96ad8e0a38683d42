import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { denyReasonModal, extendModal, loadingModal, requestModal, sqlModal } from '../blocks/index.js';
import { errorText } from '../error-text.js';
import { ACTION, REQUEST_INPUT } from '../ids.js';
import { ackOnce, type ListenerContext, parseRequestId } from './shared.js';

type ButtonBody = BlockAction<ButtonAction>;

const ephemeral = (respond: RespondFn, text: string) =>
  respond({ response_type: 'ephemeral', replace_original: false, text });

/**
 * Buttons: each validates the request id it carries, then calls one use case. A button that decides
 * something (approve, an extension decision, review, End now) is acknowledged once the decision is durably
 * recorded (`recorded`), so a crash cannot lose a click Slack showed as done; the others ack at once.
 */
export function registerActions(app: App, ctx: ListenerContext): void {
  const button = (
    actionId: string,
    handle: (args: {
      requestId: string;
      /** What the button carries after the request id (`<id>:<extra>`): a run's SQL hash. */
      extra: string | undefined;
      user: string;
      body: ButtonBody;
      respond: RespondFn;
      recorded: () => Promise<void>;
    }) => Promise<void>,
    options: { ackWhenRecorded?: boolean } = {},
  ) =>
    app.action<ButtonBody>(actionId, async ({ ack, body, action, respond }) => {
      const recorded = ackOnce(ack);
      if (!options.ackWhenRecorded) await recorded();
      try {
        const [idPart, extra] = (action.value ?? '').split(':', 2);
        const requestId = parseRequestId(idPart);
        if (!requestId) {
          await recorded();
          await ephemeral(respond, 'This button does not belong to a Drawbridge request.');
          return;
        }
        await handle({ requestId, extra, user: body.user.id, body, respond, recorded });
      } finally {
        await recorded(); // a refusal records nothing: acknowledged now
      }
    });
  const decision = { ackWhenRecorded: true };

  button(
    ACTION.approve,
    async ({ requestId, extra, user, respond, recorded }) => {
      const result = await ctx.useCases.decide({
        requestId,
        actor: user,
        verdict: 'approve',
        sqlSha256: extra,
        onRecorded: recorded,
      });
      if (!result.ok) await ephemeral(respond, errorText(result.error));
    },
    decision,
  );

  // A run's whole SQL, when the approval message shows only its start.
  button(ACTION.viewSql, async ({ requestId, body }) => {
    const request = await ctx.useCases.get(requestId);
    if (!request?.run) return;
    await app.client.views.open({ trigger_id: body.trigger_id, view: sqlModal(request) });
  });

  // Deny asks for an optional reason first; the refusal for a non-approver comes before the modal.
  button(ACTION.deny, async ({ requestId, user, body, respond }) => {
    const allowed = await ctx.useCases.mayDecide(requestId, user);
    if (!allowed.ok) return void (await ephemeral(respond, allowed.message));
    await app.client.views.open({
      trigger_id: body.trigger_id,
      view: denyReasonModal(requestId, body.channel?.id),
    });
  });

  for (const [actionId, verdict] of [
    [ACTION.approveExtension, 'approve'],
    [ACTION.denyExtension, 'deny'],
  ] as const) {
    button(
      actionId,
      async ({ requestId, user, respond, recorded }) => {
        const result = await ctx.useCases.decideExtension({
          requestId,
          actor: user,
          verdict,
          onRecorded: recorded,
        });
        if (!result.ok) await ephemeral(respond, errorText(result.error));
      },
      decision,
    );
  }

  button(
    ACTION.review,
    async ({ requestId, user, respond, recorded }) => {
      const result = await ctx.useCases.review({ requestId, actor: user, onRecorded: recorded });
      if (!result.ok) await ephemeral(respond, errorText(result.error));
    },
    decision,
  );

  // The trigger expires in 3 s and a fresh password needs the database: the modal opens at once, and the
  // worker (which holds the database credentials; this side holds none) fills it.
  button(ACTION.showCredentials, async ({ requestId, user, body, respond }) => {
    const opened = await app.client.views.open({
      trigger_id: body.trigger_id,
      view: loadingModal('Credentials'),
    });
    const viewId = opened.view?.id;
    if (!viewId) {
      await ephemeral(respond, 'Slack did not open the credentials window; try again.');
      return;
    }
    await ctx.useCases.handOverCredentials({ requestId, actor: user, viewId });
  });

  button(ACTION.refreshGrants, async ({ requestId, user, body }) => {
    // The worker answers at the click's response URL once the grants are synced.
    await ctx.useCases.handOverGrantRefresh({ requestId, actor: user, responseUrl: body.response_url });
  });

  button(
    ACTION.endNow,
    async ({ requestId, user, respond, recorded }) => {
      const result = await ctx.useCases.end({ requestId, actor: user, onRecorded: recorded });
      await recorded();
      await ephemeral(
        respond,
        result.ok
          ? 'Ending your access now; a message follows when everything is removed.'
          : errorText(result.error),
      );
    },
    decision,
  );

  button(ACTION.extend, async ({ requestId, user, body, respond }) => {
    const request = await ctx.useCases.get(requestId);
    if (request?.requester.slackUserId !== user)
      return void (await ephemeral(respond, 'only the requester can ask for more time'));
    const room = await ctx.useCases.extensionRoom(requestId);
    if (room <= 0) return void (await ephemeral(respond, 'no extension is left under this tier’s policy'));
    await app.client.views.open({ trigger_id: body.trigger_id, view: extendModal(requestId, room) });
  });

  // Inside the request modal: a new target or tier re-renders the tier and duration choices.
  for (const actionId of [ACTION.pickTarget, ACTION.pickTier]) {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      if (body.type !== 'block_actions' || !body.view) return;
      const values = body.view.state.values;
      const target =
        values[REQUEST_INPUT.target.block]?.[REQUEST_INPUT.target.action]?.selected_option?.value;
      const tier = values[REQUEST_INPUT.tier.block]?.[REQUEST_INPUT.tier.action]?.selected_option?.value;
      const selected = {
        ...(target ? { target } : {}),
        ...(tier === 'READ' || tier === 'DML' || tier === 'DDL' ? { tier } : {}),
      } as const;
      await app.client.views.update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: requestModal(ctx.targets, selected, ctx.command),
      });
    });
  }
}
