import { App, type Logger as BoltLogger, LogLevel, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { UseCases } from '../app/use-cases.js';
import { DependencyError } from '../domain/errors.js';
import type { Logger } from '../domain/ports.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerHome } from './listeners/home.js';
import { registerViews } from './listeners/views.js';
import type { TargetChoice } from './view-models.js';

export interface SlackAppOptions {
  signingSecret: string;
  botToken: string;
  /** Socket Mode when set; otherwise HTTP at POST /slack/events (unless a `receiver` is given). */
  appToken?: string | undefined;
  /** A receiver of its own, e.g. AwsLambdaReceiver in the `slack` Lambda. */
  receiver?: Receiver | undefined;
  /** Base URL of the Web API (tests point it at a stub; proxies). */
  slackApiUrl?: string | undefined;
  useCases: UseCases;
  targets: TargetChoice[];
  command: string;
  logger: Logger;
}

/**
 * Web API calls are retried a bounded number of times (429s after their Retry-After, 5xx with backoff) and
 * for at most 30 s in all, each request timing out after 10 s: a Slack outage delays a worker, never stalls it.
 * A fresh object per client: Bolt writes its logger into the options it is given.
 */
export function slackClientOptions(slackApiUrl?: string): WebClientOptions {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 4, factor: 2, minTimeout: 200, maxTimeout: 5_000, maxRetryTime: 30_000 },
    timeout: 10_000,
  };
}

/**
 * The Bolt app: the same listeners over HTTP or Socket Mode (the receiver is the seam). Initialisation
 * (Bolt's `auth.test`) is awaited here, so a bad token fails start-up with a clear error instead of an
 * unhandled rejection and a server that answers 401 to everything.
 */
export async function createSlackApp(options: SlackAppOptions): Promise<App> {
  const common = {
    token: options.botToken,
    signingSecret: options.signingSecret,
    clientOptions: slackClientOptions(options.slackApiUrl),
    logger: boltLogger(options.logger),
    deferInitialization: true,
  };
  const app = options.receiver
    ? new App({
        token: common.token,
        clientOptions: common.clientOptions,
        logger: common.logger,
        deferInitialization: true,
        receiver: options.receiver,
      })
    : options.appToken
      ? new App({ ...common, appToken: options.appToken, socketMode: true })
      : new App({ ...common, endpoints: '/slack/events' });

  // Slack redelivers an event it thinks we missed (X-Slack-Retry-Num). Events are acked before this runs and
  // every use case is idempotent anyway; skipping the redelivery saves a second App Home render.
  app.use(async ({ context, body, next }) => {
    if (context.retryNum !== undefined && (body as { type?: string }).type === 'event_callback') return;
    await next();
  });

  const ctx = {
    useCases: options.useCases,
    targets: options.targets,
    command: options.command,
    logger: options.logger,
  };
  registerCommands(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerHome(app, ctx);
  app.error(async (error) => {
    options.logger.error('slack listener failed', {
      error: error.message,
      code: (error as { code?: string }).code,
    });
  });
  try {
    await app.init();
  } catch (e) {
    throw new DependencyError(
      'slack.auth.test',
      `the bot token was refused: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  return app;
}

/** Bolt's and the WebClient's own logs go through ours (JSON, redacted). */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const text = (msgs: unknown[]) =>
    msgs
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
  return {
    debug: () => {},
    info: (...msgs) =>
      void (level === LogLevel.INFO || level === LogLevel.DEBUG
        ? logger.info(text(msgs), { source: 'bolt' })
        : undefined),
    warn: (...msgs) => logger.warn(text(msgs), { source: 'bolt' }),
    error: (...msgs) => logger.error(text(msgs), { source: 'bolt' }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
