import { setTimeout as delay } from 'node:timers/promises';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => delay(ms).then(() => undefined);

export interface ThrottleRetryOptions {
  /** Whether the error is a throttle (retried); anything else is rethrown at once. */
  isThrottle: (error: unknown) => boolean;
  /** Retries after the first attempt. */
  retries: number;
  /** First pause; doubles on each retry. */
  baseDelayMs: number;
  /** A pause the service asked for (e.g. Lambda's `retryAfterSeconds`), used when longer than the backoff. */
  requestedDelayMs?: (error: unknown) => number | undefined;
  /** Upper bound on any one pause, the service's request included. */
  maxDelayMs: number;
  sleep: Sleep;
  /**
   * In [0, 1): "equal jitter" — half of each pause fixed, half random — so the retries of a burst of callers
   * (fifty provisionings at once) do not fall in lockstep. Without it pauses are exact.
   */
  jitter?: () => number;
  /** Called before each pause (for a log line). */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * Runs `call`, retrying throttles a bounded number of times with exponential backoff, on top of the SDK's own
 * retries: a Slack ack or a provisioning step should ride out a burst, but never wait without bound. The last
 * throttle is rethrown for the caller to map.
 */
export async function retryThrottled<T>(call: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.retries || !options.isThrottle(error)) throw error;
      const backoff = options.baseDelayMs * 2 ** attempt;
      const requested = options.requestedDelayMs?.(error) ?? 0;
      const ceiling = Math.min(options.maxDelayMs, Math.max(backoff, requested));
      const delay = options.jitter ? Math.round(ceiling / 2 + (ceiling / 2) * options.jitter()) : ceiling;
      options.onRetry?.(attempt + 1, delay, error);
      await options.sleep(delay);
    }
  }
}
