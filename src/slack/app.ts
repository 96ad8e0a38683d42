import { App, HTTPModuleFunctions, HTTPReceiver, type Receiver } from '@slack/bolt';
import type { UseCases } from '../app/use-cases.js';
import { DependencyError } from '../domain/errors.js';
import type { Clock, Logger, SeenKeys } from '../domain/ports.js';
import { slackClientOptions, slackLogger } from './delivery/web-client-options.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerHome } from './listeners/home.js';
import { registerViews } from './listeners/views.js';
import { RequestRefusedError, replayGuard, signatureProperties } from './replay-guard.js';
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
  /** Where signed requests are remembered, so that a replay is ignored (replay-guard.ts). */
  seen: SeenKeys;
  clock: Clock;
}

/**
 * The Bolt app: the same listeners over HTTP or Socket Mode (the receiver is the seam). Initialisation
 * (Bolt's `auth.test`) is awaited here, so a bad token fails start-up with a clear error instead of an
 * unhandled rejection and a server that answers 401 to everything.
 */
/**
 * HTTP at POST /slack/events. The signature headers are passed to the listeners' context for the replay
 * guard, and a request the guard refuses is answered 401, like a bad signature.
 */
function httpReceiver(signingSecret: string, logger: ReturnType<typeof slackLogger>): HTTPReceiver {
  return new HTTPReceiver({
    signingSecret,
    endpoints: '/slack/events',
    logger,
    customPropertiesExtractor: (request) =>
      signatureProperties((name) => HTTPModuleFunctions.getHeader(request, name)),
    processEventErrorHandler: async (args) => {
      if (!(args.error instanceof RequestRefusedError) || args.response.headersSent) {
        return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      }
      args.logger.warn(`Slack request refused: ${args.error.message}`);
      args.response.writeHead(401);
      args.response.end();
      return false;
    },
  });
}

export async function createSlackApp(options: SlackAppOptions): Promise<App> {
  const common = {
    token: options.botToken,
    clientOptions: slackClientOptions(options.slackApiUrl),
    logger: slackLogger(options.logger),
    deferInitialization: true,
  };
  const app = options.appToken
    ? new App({
        ...common,
        signingSecret: options.signingSecret,
        appToken: options.appToken,
        socketMode: true,
      })
    : new App({
        ...common,
        receiver: options.receiver ?? httpReceiver(options.signingSecret, common.logger),
      });

  app.use(replayGuard(options));

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
    // Passed on to the receiver, which answers it 401 (see httpReceiver).
    if (error instanceof RequestRefusedError) throw error;
    options.logger.error('slack listener failed', {
      error: error.message,
      code: (error as { code?: string }).code,
    });
  });
  try {
    await app.init();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    // WebClient marks a failure to reach Slack `slack_webapi_request_error`; Slack's own answers are platform errors.
    const unreachable =
      JSON.stringify(e).includes('slack_webapi_request_error') ||
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/.test(detail);
    throw new DependencyError(
      'slack.auth.test',
      unreachable
        ? `Slack could not be reached (network error: ${detail}); check the network, a proxy, or SLACK_API_URL`
        : `the bot token was refused: ${detail}; check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token)`,
      { cause: e },
    );
  }
  return app;
}
