import type { Server } from 'node:http';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { bindUseCases, type UseCases } from '../app/use-cases.js';
import type { Logger } from '../domain/ports.js';
import { createSlackApp } from '../slack/app.js';
import type { DrawbridgeConfig } from './config-types.js';
import { type LocalApp, startLocalApp } from './local-app.js';
import type { SlackEnv } from './slack-env.js';
import { slackAdapters, targetChoices } from './slack-wiring.js';

const SWEEP_EVERY_MS = 5 * 60_000;

export interface RunningServer {
  /** The HTTP port (undefined in Socket Mode). */
  port: number | undefined;
  local: LocalApp;
  useCases: UseCases;
  close(): Promise<void>;
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
  const logger = options.logger ?? createLogger();
  const slackSide = slackAdapters(config, env.SLACK_BOT_TOKEN, logger, env.SLACK_API_URL);
  const local = await startLocalApp(config, {
    logger,
    directory: slackSide.directory,
    notifier: slackSide.notifier,
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
    seen: local.seen,
    clock: local.deps.clock,
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
