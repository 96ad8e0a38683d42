/**
 * Sends what Slack sends, signed as Slack signs it: `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>">` with the app's signing secret, and `X-Slack-Request-Timestamp` in seconds.
 * Bolt rejects a bad signature or a timestamp more than 5 minutes old with 401.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type ButtonActionInput,
  buttonActionPayload,
  type EnvelopeOptions,
  eventEnvelope,
  interactionBody,
  type SelectActionInput,
  type SlashCommandInput,
  selectActionPayload,
  slashCommandBody,
  urlVerificationBody,
  type ViewSubmissionInput,
  viewSubmissionPayload,
} from './slack-payloads.js';

/** The app under test: its request URL (…/slack/events) and its signing secret. */
export interface SlackTarget {
  url: string;
  signingSecret: string;
}

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Sent as `X-Slack-Retry-Num` (Slack's re-deliveries of an event: 1, 2, 3). */
  retryNum?: number;
  /** Sent as `X-Slack-Retry-Reason`, e.g. `http_timeout`. */
  retryReason?: string;
  /** Sign with a wrong secret, as a forger would. */
  badSignature?: boolean;
}

/** Exactly Slack's content types: Bolt compares the header with `===`, so a `; charset` suffix breaks it. */
export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POST `body` to `appUrl` with Slack's signature headers; resolves with the fetch Response. */
export function signedRequest(
  appUrl: string,
  signingSecret: string,
  body: string,
  contentType: string,
  options: SignOptions = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const secret = options.badSignature ? `${signingSecret}-forged` : signingSecret;
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': slackSignature(secret, timestamp, body),
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (options.retryNum !== undefined) headers['X-Slack-Retry-Num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['X-Slack-Retry-Reason'] = options.retryReason;
  return fetch(appUrl, { method: 'POST', headers, body });
}

export interface SendResult {
  status: number;
  /** The parsed JSON when the app answered JSON, else the text ('' for a bare ack). */
  body: unknown;
  /** From sending to the whole response read. */
  ms: number;
}

/** Sign and send a raw body, timing the round trip. */
export async function sendSigned(
  app: SlackTarget,
  body: string,
  contentType: string,
  options: SignOptions = {},
): Promise<SendResult> {
  const started = performance.now();
  const response = await signedRequest(app.url, app.signingSecret, body, contentType, options);
  const text = await response.text();
  const ms = performance.now() - started;
  const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: response.status, body: json ? JSON.parse(text) : text, ms };
}

export function sendSlashCommand(
  app: SlackTarget,
  input: SlashCommandInput,
  options: SignOptions = {},
): Promise<SendResult> {
  return sendSigned(app, slashCommandBody(input), FORM, options);
}

/** A button click on a message (give `responseUrl`) or inside a modal / App Home (give `viewId`). */
export function sendBlockAction(
  app: SlackTarget,
  input: ButtonActionInput,
  options: SignOptions = {},
): Promise<SendResult> {
  return sendSigned(app, interactionBody(buttonActionPayload(input)), FORM, options);
}

/** A choice in a static select or a radio group, on a message or inside a view. */
export function sendSelectAction(
  app: SlackTarget,
  input: SelectActionInput,
  options: SignOptions = {},
): Promise<SendResult> {
  return sendSigned(app, interactionBody(selectActionPayload(input)), FORM, options);
}

export function sendViewSubmission(
  app: SlackTarget,
  input: ViewSubmissionInput,
  options: SignOptions = {},
): Promise<SendResult> {
  return sendSigned(app, interactionBody(viewSubmissionPayload(input)), FORM, options);
}

/**
 * One Events API delivery. To model Slack re-delivering the same event, pass the same `eventId` with
 * `retryNum` (and `retryReason`, e.g. `http_timeout`).
 */
export function sendEvent(
  app: SlackTarget,
  event: Record<string, unknown>,
  options: SignOptions & EnvelopeOptions = {},
): Promise<SendResult> {
  const envelope = eventEnvelope(event, options);
  return sendSigned(app, JSON.stringify(envelope), JSON_TYPE, options);
}

/** Slack's check of a new Request URL; the app must echo `challenge`. */
export function sendUrlVerification(
  app: SlackTarget,
  challenge: string,
  options: SignOptions = {},
): Promise<SendResult> {
  return sendSigned(app, JSON.stringify(urlVerificationBody(challenge)), JSON_TYPE, options);
}
