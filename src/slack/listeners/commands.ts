import type { App } from '@slack/bolt';
import { helpText, listText, requestModal } from '../blocks/index.js';
import { runModal } from '../blocks/run-modal.js';
import { errorText } from '../error-text.js';
import { parseSlashText, slashUsage } from '../slash-grammar.js';
import { ackOnce, type ListenerContext } from './shared.js';

/**
 * `/bastion …`. Acks at once; everything that touches the store runs after the ack and answers
 * through `respond` (an ephemeral reply only the user sees).
 */
export function registerCommands(app: App, ctx: ListenerContext): void {
  app.command(ctx.command, async ({ command, ack, respond, client }) => {
    const parsed = parseSlashText(command.text, ctx.command);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: errorText(parsed.error) });
      return;
    }
    const user = command.user_id;
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    const cmd = parsed.value;
    switch (cmd.kind) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: helpText(ctx.command) });
        return;
      case 'open-modal':
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: requestModal(ctx.targets, undefined, ctx.command),
        });
        return;
      case 'open-run-modal':
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: runModal(ctx.targets) });
        return;
      case 'request': {
        await ack();
        const result = await ctx.useCases.submit({
          requesterId: user,
          target: cmd.target,
          tier: cmd.tier,
          durationSeconds: cmd.durationSeconds,
          reason: cmd.reason,
          ticket: cmd.ticket,
        });
        await reply(
          result.ok
            ? `Request \`${result.value.id}\` for ${cmd.tier} on ${cmd.target} is ${result.value.state === 'requested' ? 'waiting for approval' : result.value.state}.`
            : `${errorText(result.error)}\n\n${slashUsage(ctx.command)}`,
        );
        return;
      }
      case 'list':
        await ack();
        await reply(listText(await ctx.useCases.listMine(user)));
        return;
      case 'end': {
        const recorded = ackOnce(ack);
        const result = await ctx.useCases
          .end({ requestId: cmd.requestId, actor: user, onRecorded: recorded })
          .finally(recorded);
        await reply(
          result.ok
            ? `Ending \`${cmd.requestId}\`: you will get a message when everything is removed.`
            : errorText(result.error),
        );
        return;
      }
      case 'extend': {
        const recorded = ackOnce(ack);
        const result = await ctx.useCases
          .requestExtension({
            requestId: cmd.requestId,
            actor: user,
            seconds: cmd.durationSeconds,
            onRecorded: recorded,
          })
          .finally(recorded);
        await reply(
          !result.ok
            ? errorText(result.error)
            : result.value.pendingExtension
              ? `Extension of \`${cmd.requestId}\` asked; the approvers have been told.`
              : `\`${cmd.requestId}\` now runs until ${result.value.expiresAt}.`,
        );
        return;
      }
    }
  });
}
