import type { Server } from 'node:http';
import { WebClient } from '@slack/web-api';
import { DynamoDbMessageRefs } from '../adapters/dynamodb/dynamodb-message-refs.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { SlackDirectory } from '../adapters/slack/slack-directory.js';
import { SlackNotifier } from '../adapters/slack/slack-notifier.js';
import { bindUseCases, type UseCases } from '../app/use-cases.js';
import { ConfigError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import { TIERS } from '../domain/types.js';
import { boltLogger, createSlackApp, slackClientOptions } from '../slack/app.js';
import type { TargetChoice } from '../slack/view-models.js';
import type { DrawbridgeConfig } from './config-types.js';
import { type LocalApp, startLocalApp } from './local-app.js';
import type { SlackEnv } from './slack-env.js';

const SWEEP_EVERY_MS = 5 * 60_000;

export interface RunningServer {
  /** The HTTP port (undefined in Socket Mode). */
  port: number | undefined;
  local: LocalApp;
  useCases: UseCases;
  close(): Promise<void>;
}

/** What the request modal offers, from the config. */
export function targetChoices(config: DrawbridgeConfig): TargetChoice[] {
  return config.targets.map((t) => ({
    name: t.name,
    description: t.description,
    breakGlass: t.policy.breakGlass,
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

/**
 * `drawbridge serve`: local mode with Slack as the notifier and directory, and the Bolt app in front
 * (HTTP on `port`, or Socket Mode with an app token). The sweeper runs every 5 minutes.
 */
export async function startServer(
  config: DrawbridgeConfig,
  env: SlackEnv,
  options: { logger?: Logger; port?: number; host?: string } = {},
): Promise<RunningServer> {
  const missing = config.targets
    .filter((t) => !t.approvalChannel)
    .map((t) => `targets[${t.name}].approvalChannel`);
  if (missing.length > 0)
    throw new ConfigError(`serving Slack needs an approval channel per target: set ${missing.join(', ')}`);
  const logger = options.logger ?? createLogger();
  const client = new WebClient(env.SLACK_BOT_TOKEN, { ...slackClientOptions(env.SLACK_API_URL), logger: boltLogger(logger) });
  const channels = new Map(config.targets.map((t) => [t.name, t.approvalChannel as string]));
  const local = await startLocalApp(config, {
    logger,
    directory: new SlackDirectory(client),
    notifier: (store) =>
      new SlackNotifier({
        client,
        refs: new DynamoDbMessageRefs(store.client, store.table),
        channels,
        approvalsRequired: (r) =>
          config.targets.find((t) => t.name === r.target)?.policy.tiers[r.tier]?.approvalsRequired ?? 1,
      }),
  });
  const useCases = bindUseCases(local.deps);
  const slack = await createSlackApp({
    signingSecret: env.SLACK_SIGNING_SECRET,
    botToken: env.SLACK_BOT_TOKEN,
    appToken: env.SLACK_APP_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    useCases,
    targets: targetChoices(config),
    command: config.slack.command,
    logger,
  });
  const started = env.SLACK_APP_TOKEN
    ? await slack.start()
    : await slack.start({ port: options.port ?? env.PORT, ...(options.host ? { host: options.host } : {}) });
  const address = env.SLACK_APP_TOKEN ? undefined : (started as Server).address();
  const port = address && typeof address === 'object' ? address.port : undefined;
  const sweeper = setInterval(() => void local.deps.queue.enqueue({ kind: 'sweep' }), SWEEP_EVERY_MS);
  sweeper.unref();
  logger.info('drawbridge serving Slack', { mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port });
  return {
    port,
    local,
    useCases,
    async close() {
      clearInterval(sweeper);
      await slack.stop();
      await local.close();
    },
  };
}
