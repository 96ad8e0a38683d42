/**
 * Signed requests are accepted once. Bolt checks the signature and refuses a timestamp more than five
 * minutes old, but not one in the future, and not the same signed request sent again: a captured
 * `/bastion request …` replayed within the five minutes would create another request. The guard refuses a
 * timestamp more than a minute ahead and answers a signature already seen with a bare 200 and nothing else.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs } from '@slack/bolt';
import { DrawbridgeError } from '../domain/errors.js';
import type { Clock, Logger, SeenKeys } from '../domain/ports.js';

/** Slack allows 5 minutes of age; Bolt enforces it. A signature is remembered a minute beyond that. */
const MAX_AGE_SECONDS = 300;
const MAX_AHEAD_SECONDS = 60;

/** Where the receivers put the request's signature headers (see `signatureProperties`). */
export interface SignedRequestProperties {
  slackSignature?: string;
  slackRequestTimestamp?: number;
}

/** A request refused before any listener ran; the HTTP receiver answers it 401. */
export class RequestRefusedError extends DrawbridgeError {
  constructor(message: string) {
    super('request_refused', message);
  }
}

/** Why a request timestamp (seconds) is refused, or undefined when it is acceptable. */
export function timestampProblem(timestampSeconds: number, now: Date): string | undefined {
  if (!Number.isFinite(timestampSeconds)) return 'the request timestamp is not a number';
  const ahead = timestampSeconds - Math.floor(now.getTime() / 1000);
  return ahead > MAX_AHEAD_SECONDS
    ? `the request timestamp is ${ahead} s in the future (at most ${MAX_AHEAD_SECONDS} s is tolerated)`
    : undefined;
}

/** The two headers, from a header lookup (HTTP request or Lambda event). */
export function signatureProperties(header: (name: string) => string | undefined): SignedRequestProperties {
  const signature = header('x-slack-signature');
  const timestamp = header('x-slack-request-timestamp');
  return {
    ...(signature ? { slackSignature: signature } : {}),
    ...(timestamp ? { slackRequestTimestamp: Number(timestamp) } : {}),
  };
}

/** Global middleware: runs before every listener (Socket Mode requests carry no signature and pass). */
export function replayGuard(deps: { seen: SeenKeys; clock: Clock; logger: Logger }) {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const { slackSignature, slackRequestTimestamp } = args.context as SignedRequestProperties;
    if (slackSignature === undefined || slackRequestTimestamp === undefined) return args.next();
    const problem = timestampProblem(slackRequestTimestamp, deps.clock.now());
    if (problem) throw new RequestRefusedError(problem);
    const until = new Date((slackRequestTimestamp + MAX_AGE_SECONDS + MAX_AHEAD_SECONDS) * 1000);
    if (await deps.seen.firstSight(slackSignature, until)) return args.next();
    deps.logger.warn('a signed Slack request was replayed; ignored', { timestamp: slackRequestTimestamp });
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}
