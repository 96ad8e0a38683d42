import {
  AdaptiveRetryStrategy,
  type RateLimiter,
  StandardRetryStrategy,
  type StandardRetryStrategyOptions,
} from '@smithy/core/retry';

/**
 * How an AWS client's calls are paced, chosen by who is waiting for them:
 * - `interactive`: someone is waiting right now (a Slack ack, an operator running doctor). The SDK's standard
 *   retry mode, 3 attempts: a throttle or a 5xx is ridden out for a second or two, never longer.
 * - `background`: the worker provisioning and tearing down. Adaptive mode, 6 attempts: besides backing off
 *   (exponential with full jitter from 1 s for throttles, capped at 20 s), the client lowers its own sending
 *   rate after a throttle, so the fifty launches of a burst, sharing one warm client, slow down together
 *   instead of retrying in lockstep into an account-wide EC2 request limit.
 *
 * The SDK recognises every AWS throttling code (EC2's `RequestLimitExceeded`, the JSON services'
 * `ThrottlingException`, Lambda's `TooManyRequestsException` with its `Retry-After`) and records on the error
 * it finally throws how many attempts it made (`$metadata.attempts`), which the adapters' messages show.
 */
export type AwsCallPace = 'interactive' | 'background';

export const ATTEMPTS: Readonly<Record<AwsCallPace, number>> = { interactive: 3, background: 6 };

/** Every AWS call has a deadline: 3 s to connect, 10 s for an answer, then the retry strategy decides. */
export const REQUEST_DEADLINES = { connectionTimeout: 3_000, requestTimeout: 10_000 } as const;

/** Tests only: pauses and a rate limiter that do not wait, so a retry costs no wall-clock time. */
export interface RetryTuning {
  backoff?: NonNullable<StandardRetryStrategyOptions['backoff']>;
  rateLimiter?: RateLimiter;
}

export interface AwsClientSettings {
  region?: string;
  endpoint?: string;
  requestHandler: typeof REQUEST_DEADLINES;
  /** The strategy's own bound, repeated: the SDK reads this one for the `amz-sdk-request` header. */
  maxAttempts: number;
  retryStrategy: StandardRetryStrategy | AdaptiveRetryStrategy;
}

/**
 * The settings every Drawbridge AWS client is built with. Without a region the SDK's own chain decides
 * (AWS_REGION, the profile).
 */
export function awsClientSettings(
  region: string | undefined,
  pace: AwsCallPace,
  options: { endpoint?: string | undefined; tuning?: RetryTuning } = {},
): AwsClientSettings {
  const maxAttempts = ATTEMPTS[pace];
  const { backoff, rateLimiter } = options.tuning ?? {};
  const strategyOptions = { maxAttempts, ...(backoff ? { backoff } : {}) };
  return {
    ...(region === undefined ? {} : { region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    requestHandler: REQUEST_DEADLINES,
    maxAttempts,
    retryStrategy:
      pace === 'background'
        ? new AdaptiveRetryStrategy(maxAttempts, {
            ...strategyOptions,
            ...(rateLimiter ? { rateLimiter } : {}),
          })
        : new StandardRetryStrategy(strategyOptions),
  };
}
