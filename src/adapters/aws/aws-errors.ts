/**
 * SDK errors → project errors, shared by the AWS adapters.
 *
 * Services with modelled exceptions (SSM, Scheduler, Lambda) throw classes whose `name` is the error code;
 * EC2 has none, so its errors arrive as the service's base exception with `name` (and `Code`) set to the
 * code from the XML body (`InsufficientInstanceCapacity`, `InvalidInstanceID.NotFound`, …). Reading
 * `name` first therefore covers both.
 */
import { DependencyError } from '../../domain/errors.js';
import type { Logger } from '../../domain/ports.js';
import { retryThrottled } from './throttle-retry.js';

/** The AWS error code of an SDK service exception, or undefined for anything else (network errors, bugs). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  if (typeof name === 'string' && name !== 'Error' && name !== 'ServiceException') return name;
  return typeof Code === 'string' ? Code : undefined;
}

/** Codes AWS services use for "slow down" (EC2: RequestLimitExceeded; JSON services: ThrottlingException…). */
const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);

export function isThrottling(error: unknown): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && THROTTLING_CODES.has(code);
}

/** `Code: message` of an AWS error, for a reason people read (AWS messages carry no secrets of ours). */
export function describeAwsError(error: unknown): string {
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** A DependencyError for a failed AWS call, keeping the SDK error as `cause`. */
export function awsDependencyError(step: string, what: string, error: unknown): DependencyError {
  return new DependencyError(step, `${what} failed: ${describeAwsError(error)}`, { cause: error });
}

export interface ThrottleRetryOptions {
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); spreads the retries of many concurrent callers apart. */
  random: () => number;
  logger?: Logger | undefined;
  /** Total attempts, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_THROTTLE_ATTEMPTS = 5;

/**
 * Runs `call`, retrying it while AWS throttles, with exponential backoff (base 1 s, doubling, capped at
 * 10 s) and "equal jitter" (half the delay fixed, half random) so that the fifty provisionings of a burst do
 * not retry in lockstep. This sits on top of the SDK's own retries (3 attempts by default), which give up
 * within a second or two — too soon for an account-wide EC2 request-rate limit.
 *
 * Gives up after `attempts` with a DependencyError naming `step`; any other error passes through unchanged,
 * for the caller to map.
 */
export async function withThrottleRetry<T>(
  step: string,
  what: string,
  call: () => Promise<T>,
  options: ThrottleRetryOptions,
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_THROTTLE_ATTEMPTS;
  try {
    return await retryThrottled(call, {
      isThrottle: isThrottling,
      retries: attempts - 1,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      sleep: options.sleep,
      jitter: options.random,
      onRetry: (attempt, delayMs) =>
        options.logger?.warn('AWS throttled a call; retrying', { step, what, attempt, delayMs }),
    });
  } catch (error) {
    if (!isThrottling(error)) throw error;
    throw new DependencyError(step, `${what} still throttled by AWS after ${attempts} attempts`, {
      cause: error,
    });
  }
}
