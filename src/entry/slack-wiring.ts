import { WebClient } from '@slack/web-api';
import { DynamoDbMessageRefs } from '../adapters/dynamodb/dynamodb-message-refs.js';
import { targetPolicies } from '../config/config.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import { ConfigError } from '../domain/errors.js';
import { currentTierPolicy } from '../domain/policy.js';
import type { Logger } from '../domain/ports.js';
import { TIERS } from '../domain/types.js';
import { SlackDirectory } from '../slack/delivery/slack-directory.js';
import { SlackFileDelivery } from '../slack/delivery/slack-file-delivery.js';
import { SlackInteractionReplies } from '../slack/delivery/slack-interaction-replies.js';
import { SlackNotifier } from '../slack/delivery/slack-notifier.js';
import { slackClientOptions, slackLogger } from '../slack/delivery/web-client-options.js';
import type { TargetChoice } from '../slack/view-models.js';
import type { StoreHandle } from './local-app.js';

/** What the request modal offers, from the config. */
export function targetChoices(config: DrawbridgeConfig): TargetChoice[] {
  return config.targets.map((t) => ({
    name: t.name,
    description: t.description,
    breakGlass: t.policy.breakGlass !== undefined,
    tiers: TIERS.flatMap((tier) => {
      const p = t.policy.tiers[tier];
      return p
        ? [
            {
              tier,
              maxDurationSeconds: p.maxDurationSeconds,
              requireTicket: p.requireTicket,
              requireReason: p.requireReason,
            },
          ]
        : [];
    }),
  }));
}

/** Slack as directory and notifier (local `serve` and the Lambdas alike). */
export function slackAdapters(
  config: DrawbridgeConfig,
  botToken: string,
  logger: Logger,
  slackApiUrl?: string,
) {
  const missing = config.targets
    .filter((t) => !t.approvalChannel)
    .map((t) => `targets[${t.name}].approvalChannel`);
  if (missing.length > 0) {
    throw new ConfigError(`serving Slack needs an approval channel per target: set ${missing.join(', ')}`);
  }
  const client = new WebClient(botToken, { ...slackClientOptions(slackApiUrl), logger: slackLogger(logger) });
  const channels = new Map(config.targets.map((t) => [t.name, t.approvalChannel as string]));
  const policies = targetPolicies(config);
  return {
    client,
    directory: new SlackDirectory(client),
    replies: new SlackInteractionReplies(client),
    exports: new SlackFileDelivery(client),
    notifier: (store: StoreHandle) =>
      new SlackNotifier({
        client,
        refs: new DynamoDbMessageRefs(store.client, store.table),
        channels,
        approvalsRequired: (r) => currentTierPolicy(policies, r)?.approvalsRequired ?? 1,
        digestChannel: config.digest?.channel,
      }),
  };
}
