import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../domain/ports.js';

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

/** Bolt's and the WebClient's own logs go through ours (JSON, redacted). */
export function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.WARN;
  const text = (msgs: unknown[]) =>
    msgs
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
      .join(' ');
  return {
    debug: () => {},
    info: (...msgs) =>
      void (level === LogLevel.INFO || level === LogLevel.DEBUG
        ? logger.info(text(msgs), { source: 'slack' })
        : undefined),
    warn: (...msgs) => logger.warn(text(msgs), { source: 'slack' }),
    error: (...msgs) => logger.error(text(msgs), { source: 'slack' }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
