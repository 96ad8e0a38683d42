import type { App } from '@slack/bolt';
import { checkSubmission } from '../../domain/policy.js';
import { readDenyReason, readExtendModal, readRequestModal } from '../blocks/index.js';
import { RUN_INPUT, readRunModal } from '../blocks/run-modal.js';
import { errorText } from '../error-text.js';
import { REQUEST_INPUT, VIEW } from '../ids.js';
import { ackOnce, type ListenerContext, modalMetadataSchema } from './shared.js';

/** Where each policy refusal is shown in the request modal. */
const FIELD_OF: Record<string, string> = {
  duration_too_long: REQUEST_INPUT.duration.block,
  reason_required: REQUEST_INPUT.reason.block,
  ticket_required: REQUEST_INPUT.ticket.block,
  justification_required: REQUEST_INPUT.breakGlass.block,
  break_glass_disabled: REQUEST_INPUT.breakGlass.block,
  unknown_tier: REQUEST_INPUT.tier.block,
};

/** Modal submissions: bad input is answered on the field (`response_action: errors`); the rest acks then acts. */
export function registerViews(app: App, ctx: ListenerContext): void {
  app.view(VIEW.request, async ({ ack, body, view, client }) => {
    const read = readRequestModal(view.state.values);
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.error.errors }));
    const input = read.value;
    const policy = ctx.useCases.policyOf(input.target);
    if (!policy)
      return void (await ack({
        response_action: 'errors',
        errors: { [REQUEST_INPUT.target.block]: 'unknown target' },
      }));
    const checked = checkSubmission(policy, input);
    if (!checked.ok) {
      return void (await ack({
        response_action: 'errors',
        errors: { [FIELD_OF[checked.error.code] ?? REQUEST_INPUT.reason.block]: checked.error.message },
      }));
    }
    await ack();
    const user = body.user.id;
    const result = await ctx.useCases.submit({ requesterId: user, ...input });
    await client.chat.postMessage({
      channel: user,
      text: result.ok
        ? `Request \`${result.value.id}\` for ${input.tier} on ${input.target} is ${result.value.state === 'requested' ? 'waiting for approval' : result.value.state}.`
        : `Your request could not be submitted: ${errorText(result.error)}`,
    });
  });

  // A run: the SQL is checked before the form closes, so a refusal shows on the SQL field, with the reason.
  app.view(VIEW.run, async ({ ack, body, view, client }) => {
    const read = readRunModal(view.state.values);
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.error.errors }));
    const { target, tier, reason, ticket, ...run } = read.value;
    const checked = ctx.useCases.precheckRun({ target, tier, run });
    if (!checked.ok) {
      const field = checked.error.code === 'unknown_target' ? RUN_INPUT.target.block : RUN_INPUT.sql.block;
      return void (await ack({ response_action: 'errors', errors: { [field]: errorText(checked.error) } }));
    }
    await ack();
    const user = body.user.id;
    const result = await ctx.useCases.submit({
      requesterId: user,
      target,
      tier,
      durationSeconds: 0,
      reason,
      ticket,
      run,
    });
    await client.chat.postMessage({
      channel: user,
      text: result.ok
        ? `Run \`${result.value.id}\` (${tier} on ${target}, sha256 \`${result.value.run?.sha256.slice(0, 12)}…\`) is ${result.value.state === 'requested' ? 'waiting for approval' : result.value.state}.`
        : `Your run could not be submitted: ${errorText(result.error)}`,
    });
  });

  // Decisions close the modal (ack) once they are recorded: an acknowledged decision is never lost.
  app.view(VIEW.denyReason, async ({ ack, body, view, client }) => {
    const meta = modalMetadataSchema.safeParse(safeJson(view.private_metadata));
    if (!meta.success) return void (await ack());
    const recorded = ackOnce(ack);
    const user = body.user.id;
    const result = await ctx.useCases
      .decide({
        requestId: meta.data.requestId,
        actor: user,
        verdict: 'deny',
        reason: readDenyReason(view.state.values),
        onRecorded: recorded,
      })
      .finally(recorded);
    if (!result.ok && meta.data.channel)
      await client.chat.postEphemeral({ channel: meta.data.channel, user, text: errorText(result.error) });
  });

  app.view(VIEW.extend, async ({ ack, body, view, client }) => {
    const meta = modalMetadataSchema.safeParse(safeJson(view.private_metadata));
    const read = readExtendModal(view.state.values);
    if (!meta.success) return void (await ack());
    if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.error.errors }));
    const recorded = ackOnce(ack);
    const user = body.user.id;
    const result = await ctx.useCases
      .requestExtension({
        requestId: meta.data.requestId,
        actor: user,
        seconds: read.value.durationSeconds,
        onRecorded: recorded,
      })
      .finally(recorded);
    if (!result.ok)
      await client.chat.postMessage({ channel: user, text: `Extension refused: ${errorText(result.error)}` });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
