import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver.js';
import type { AppDeps } from '../../app/deps.js';
import { bindUseCases } from '../../app/use-cases.js';
import type { DrawbridgeConfig } from '../../config/config-types.js';
import type { SeenKeys } from '../../domain/ports.js';
import { createSlackApp } from '../../slack/app.js';
import { signatureProperties, timestampProblem } from '../../slack/replay-guard.js';
import { targetChoices } from '../slack-wiring.js';

export interface SlackRuntime {
  deps: AppDeps;
  config: DrawbridgeConfig;
  slack: { signingSecret: string; botToken: string; slackApiUrl?: string };
  /** Signed requests already seen: a replay is answered 200 and ignored. */
  seen: SeenKeys;
}

/**
 * The `slack` Lambda behind a Function URL: Bolt's AwsLambdaReceiver verifies the signature (forged or older
 * than 5 minutes → 401) and runs the listeners, which ack and hand provisioning and teardown to the worker.
 * Lambda waits for a listener to finish before answering, so listeners never wait on EC2 or a teardown.
 */
export function createSlackHandler(getRuntime: () => Promise<SlackRuntime>) {
  let ready: Promise<(event: AwsEvent, context: unknown) => Promise<AwsResponse>> | undefined;
  const init = async () => {
    const runtime = await getRuntime();
    const receiver = new AwsLambdaReceiver({
      signingSecret: runtime.slack.signingSecret,
      customPropertiesExtractor: (event) => signatureProperties((name) => headerOf(event, name)),
    });
    await createSlackApp({
      signingSecret: runtime.slack.signingSecret,
      botToken: runtime.slack.botToken,
      slackApiUrl: runtime.slack.slackApiUrl,
      receiver,
      useCases: bindUseCases(runtime.deps),
      targets: targetChoices(runtime.config),
      command: runtime.config.slack.command,
      logger: runtime.deps.logger,
      seen: runtime.seen,
      clock: runtime.deps.clock,
    });
    const handle = receiver.toHandler();
    // Refused before Bolt, which would answer a listener's refusal 500: a timestamp too far ahead is a 401.
    return async (event: AwsEvent, context: unknown): Promise<AwsResponse> => {
      const problem = timestampProblem(
        Number(headerOf(event, 'x-slack-request-timestamp')),
        runtime.deps.clock.now(),
      );
      if (problem) {
        runtime.deps.logger.warn('Slack request refused', { reason: problem });
        return { statusCode: 401, body: '' };
      }
      return handle(event, context);
    };
  };
  return async (event: AwsEvent, context: unknown): Promise<AwsResponse> => {
    ready ??= init().catch((e: unknown) => {
      ready = undefined; // a cold start that failed (SSM, Slack) is retried on the next request
      throw e;
    });
    return (await ready)(event, context);
  };
}

/** A header of a Function URL event, whatever its case (Function URLs send lower-case names). */
function headerOf(event: AwsEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}
