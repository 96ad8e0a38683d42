import { createLogger } from '../../adapters/logging/pino-logger.js';
import { loadConfig } from '../../config/config.js';
import { type AwsRuntime, buildAwsRuntime } from '../aws-app.js';

let runtime: Promise<AwsRuntime> | undefined;

/**
 * Built once per warm Lambda, for the function it runs in: the config file deployed beside the bundle
 * (DRAWBRIDGE_CONFIG, default ./drawbridge.yaml), secrets from SSM (the `slack` function reads no database
 * password), clients and pools. A failed build is retried on the next event.
 */
export function awsRuntime(role: 'slack' | 'worker'): Promise<AwsRuntime> {
  runtime ??= loadConfig(process.env.DRAWBRIDGE_CONFIG ?? './drawbridge.yaml')
    .then((config) =>
      buildAwsRuntime(config, createLogger(), { role, slackApiUrl: process.env.SLACK_API_URL || undefined }),
    )
    .catch((e: unknown) => {
      runtime = undefined;
      throw e;
    });
  return runtime;
}
