import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver.js';
import type { AppDeps } from '../../app/deps.js';
import { bindUseCases } from '../../app/use-cases.js';
import { createSlackApp } from '../../slack/app.js';
import type { DrawbridgeConfig } from '../config-types.js';
import { targetChoices } from '../slack-wiring.js';

export interface SlackRuntime {
  deps: AppDeps;
  config: DrawbridgeConfig;
  slack: { signingSecret: string; botToken: string; slackApiUrl?: string };
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
    const receiver = new AwsLambdaReceiver({ signingSecret: runtime.slack.signingSecret });
    await createSlackApp({
      signingSecret: runtime.slack.signingSecret,
      botToken: runtime.slack.botToken,
      slackApiUrl: runtime.slack.slackApiUrl,
      receiver,
      useCases: bindUseCases(runtime.deps),
      targets: targetChoices(runtime.config),
      command: runtime.config.slack.command,
      logger: runtime.deps.logger,
    });
    return receiver.toHandler();
  };
  return async (event: AwsEvent, context: unknown): Promise<AwsResponse> => {
    ready ??= init().catch((e: unknown) => {
      ready = undefined; // a cold start that failed (SSM, Slack) is retried on the next request
      throw e;
    });
    return (await ready)(event, context);
  };
}
