import type { Server } from 'node:http';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { bindUseCases, type UseCases } from '../app/use-cases.js';
import type { DrawbridgeConfig } from '../config/config-types.js';
import { ConfigError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import { createSlackApp } from '../slack/app.js';
import { type LocalApp, startLocalApp } from './local-app.js';
import type { SlackEnv } from './slack-env.js';
import { slackAdapters, targetChoices } from './slack-wiring.js';

const SWEEP_EVERY_MS = 5 * 60_000;

export interface RunningServer {
  /** The HTTP port (undefined in Socket Mode). */
  port: number | undefined;
  /** The address HTTP mode listens on. */
  host: string;
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
    exports: slackSide.exports,
    notifier: slackSide.notifier,
    replies: slackSide.replies,
  });
  // A start that fails after the local app is up must stop it again, or its timers keep the process alive.
  try {
    return await serveSlack(config, env, options, logger, local);
  } catch (e) {
    await local.close();
    throw e;
  }
}

async function serveSlack(
  config: DrawbridgeConfig,
  env: SlackEnv,
  options: { port?: number; host?: string },
  logger: Logger,
  local: LocalApp,
): Promise<RunningServer> {
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
  const host = options.host ?? env.HOST;
  const wanted = options.port ?? env.PORT;
  let started: unknown;
  try {
    started = env.SLACK_APP_TOKEN ? await slack.start() : await slack.start({ port: wanted, host });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new ConfigError(
        `cannot listen on ${host}:${wanted} (${code}): ${code === 'EADDRINUSE' ? 'the port is in use; set PORT to a free one' : 'set HOST to an address of this machine, or PORT to one you may use'}`,
        { cause: e },
      );
    }
    throw e;
  }
  const address = env.SLACK_APP_TOKEN ? undefined : (started as Server).address();
  const port = address && typeof address === 'object' ? address.port : undefined;
  const sweeper = setInterval(() => void local.deps.queue.enqueue({ kind: 'sweep' }), SWEEP_EVERY_MS);
  sweeper.unref();
  logger.info('drawbridge serving Slack', { mode: env.SLACK_APP_TOKEN ? 'socket' : 'http', port });
  return {
    port,
    host,
    local,
    useCases,
    async close() {
      clearInterval(sweeper);
      await slack.stop();
      await local.close();
    },
  };
}
