import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { UseCases } from '../app/use-cases.js';
import type { Logger } from '../domain/ports.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerHome } from './listeners/home.js';
import { registerViews } from './listeners/views.js';
import type { TargetChoice } from './view-models.js';

export interface SlackAppOptions {
  signingSecret: string;
  botToken: string;
  /** Socket Mode when set; otherwise HTTP at POST /slack/events. */
  appToken?: string | undefined;
  /** Base URL of the Web API (tests point it at a stub; proxies). */
  slackApiUrl?: string | undefined;
  useCases: UseCases;
  targets: TargetChoice[];
  command: string;
  logger: Logger;
}

/**
 * Web API calls are retried a bounded number of times (429s after their Retry-After, 5xx with backoff),
 * so a Slack outage delays a worker by seconds, never forever.
 */
export const SLACK_RETRY: NonNullable<WebClientOptions['retryConfig']> = { retries: 4, factor: 2, minTimeout: 200, maxTimeout: 5_000 };

export function slackClientOptions(slackApiUrl?: string): WebClientOptions {
  return { ...(slackApiUrl ? { slackApiUrl } : {}), retryConfig: SLACK_RETRY };
}

/** The Bolt app: the same listeners over HTTP or Socket Mode (the receiver is the seam). */
export function createSlackApp(options: SlackAppOptions): App {
  const common = {
    token: options.botToken,
    signingSecret: options.signingSecret,
    clientOptions: slackClientOptions(options.slackApiUrl),
    logger: boltLogger(options.logger),
  };
  const app = options.appToken
    ? new App({ ...common, appToken: options.appToken, socketMode: true })
    : new App({ ...common, endpoints: '/slack/events' });

  // Slack redelivers an event it thinks we missed (X-Slack-Retry-Num). Events are acked before this runs and
  // every use case is idempotent anyway; skipping the redelivery saves a second App Home render.
  app.use(async ({ context, body, next }) => {
    if (context.retryNum !== undefined && (body as { type?: string }).type === 'event_callback') return;
    await next();
  });

  const ctx = { useCases: options.useCases, targets: options.targets, command: options.command, logger: options.logger };
  registerCommands(app, ctx);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerHome(app, ctx);
  app.error(async (error) => {
    options.logger.error('slack listener failed', { error: error.message, code: (error as { code?: string }).code });
  });
  return app;
}

/** Bolt's own logs go through ours (JSON, redacted). */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const text = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: () => {},
    info: (...msgs) => void (level === LogLevel.INFO || level === LogLevel.DEBUG ? logger.info(text(msgs), { source: 'bolt' }) : undefined),
    warn: (...msgs) => logger.warn(text(msgs), { source: 'bolt' }),
    error: (...msgs) => logger.error(text(msgs), { source: 'bolt' }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
