/**
 * The `/bastion` text grammar. Pure: text in, a command or a precise complaint out.
 *
 *   (empty)                                            open the request modal
 *   request <target> <READ|DML|DDL> <duration> <reason…> [ticket:<url>]
 *   list · end <request-id> · extend <request-id> <duration> · help
 *
 * Words are separated by any run of whitespace; sub-commands and tiers are case-insensitive, targets and
 * request ids are lower-cased. The reason is the rest of the text, verbatim but trimmed. If its last word
 * is `ticket:<http(s) url>` (Slack's `ticket:<url>` / `ticket:<url|label>` link forms too), that word is the
 * ticket link and not part of the reason; a ticket anywhere else stays in the reason as typed.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from '../domain/duration.js';
import { requestIdSchema } from '../domain/request-id.js';
import { err, ok, type Result } from '../domain/result.js';
import { TIERS, type Tier } from '../domain/types.js';
import { REASON_MAX_LENGTH, TICKET_MAX_LENGTH } from './blocks/limits.js';
import { clip, escapeMrkdwn, isHttpUrl } from './blocks/text.js';

export type SlashCommand =
  | { kind: 'open-modal' }
  /** `/bastion run`: the run form (SQL executed by Drawbridge, no bastion). */
  | { kind: 'open-run-modal' }
  | { kind: 'request'; target: string; tier: Tier; durationSeconds: number; reason: string; ticket?: string }
  | { kind: 'list' }
  | { kind: 'end'; requestId: string }
  | { kind: 'extend'; requestId: string; durationSeconds: number }
  | { kind: 'help' };

/** `message` is Slack mrkdwn (user text escaped), ready to post as an ephemeral reply; it ends with the usage. */
export interface SlashError {
  code: 'invalid_command';
  message: string;
}

/** Target names as the config accepts them. */
export const TARGET_NAME_PATTERN = /^[a-z0-9-]{1,24}$/;

const targetSchema = z.string().toLowerCase().regex(TARGET_NAME_PATTERN);
/** A typed request id: case does not matter. */
const typedRequestIdSchema = z.string().toLowerCase().pipe(requestIdSchema);
const ticketSchema = z.string().max(TICKET_MAX_LENGTH).refine(isHttpUrl);
const TICKET_WORD = /^ticket:(.*)$/is;

/**
 * Parses the text after the command name, as Slack delivers it: Slack sends `&`, `<` and `>` as
 * `&amp;`, `&lt;` and `&gt;`, which are decoded here. Never throws.
 */
export function parseSlashText(text: string, command = '/bastion'): Result<SlashCommand, SlashError> {
  const fail = (problem: string) =>
    err<SlashError>({ code: 'invalid_command', message: `${problem}\n\n${slashUsage(command)}` });
  if (typeof text !== 'string') return fail('the command text is missing');
  const decoded = decodeSlackEntities(text);
  const words = [...decoded.matchAll(/\S+/g)];
  const word = (i: number) => words[i]?.[0];
  const verb = word(0)?.toLowerCase();
  const extra = (usage: string) =>
    fail(`too many words after ${quote(word(0) ?? '')}: write \`${escapeMrkdwn(`${command} ${usage}`)}\``);

  switch (verb) {
    case undefined:
      return ok({ kind: 'open-modal' });
    case 'help':
      return ok({ kind: 'help' });
    case 'run':
      return words.length > 1 ? extra('run') : ok({ kind: 'open-run-modal' });
    case 'list':
      return words.length > 1 ? extra('list') : ok({ kind: 'list' });
    case 'end': {
      const id = readRequestId(word(1));
      if (!id.ok) return fail(id.error);
      return words.length > 2 ? extra('end <request-id>') : ok({ kind: 'end', requestId: id.value });
    }
    case 'extend': {
      const id = readRequestId(word(1));
      if (!id.ok) return fail(id.error);
      const duration = readDuration(word(2));
      if (!duration.ok) return fail(duration.error);
      if (words.length > 3) return extra('extend <request-id> <duration>');
      return ok({ kind: 'extend', requestId: id.value, durationSeconds: duration.value });
    }
    case 'request': {
      const target = readTarget(word(1));
      if (!target.ok) return fail(target.error);
      const tier = readTier(word(2));
      if (!tier.ok) return fail(tier.error);
      const duration = readDuration(word(3));
      if (!duration.ok) return fail(duration.error);
      const rest = words[4] === undefined ? '' : decoded.slice(words[4].index);
      const reason = readReason(rest);
      if (!reason.ok) return fail(reason.error);
      return ok({
        kind: 'request',
        target: target.value,
        tier: tier.value,
        durationSeconds: duration.value,
        ...reason.value,
      });
    }
    default:
      return fail(`unknown command ${quote(word(0) ?? '')}: use request, run, list, end, extend or help`);
  }
}

/** The text that parses back to `command` (without the command name), in canonical form. */
export function formatSlashCommand(command: SlashCommand): string {
  switch (command.kind) {
    case 'open-modal':
      return '';
    case 'open-run-modal':
      return 'run';
    case 'help':
    case 'list':
      return command.kind;
    case 'end':
      return `end ${command.requestId}`;
    case 'extend':
      return `extend ${command.requestId} ${formatDuration(command.durationSeconds)}`;
    case 'request': {
      const ticket = command.ticket === undefined ? '' : ` ticket:${command.ticket}`;
      return `request ${command.target} ${command.tier} ${formatDuration(command.durationSeconds)} ${command.reason}${ticket}`;
    }
  }
}

/** The usage, as mrkdwn, for `command` (the configured slash command name). */
export function slashUsage(command = '/bastion'): string {
  const c = (text: string) => `\`${escapeMrkdwn(`${command}${text}`)}\``;
  return [
    '*Usage*',
    `• ${c('')} — open the request form`,
    `• ${c(' request <target> <READ|DML|DDL> <duration> <reason…> [ticket:<url>]')} — ask in one line, e.g.`,
    `   ${c(' request orders-prod READ 1h investigate order 4711 ticket:https://tickets.example.com/OPS-1')}`,
    `• ${c(' run')} — ask Drawbridge to run exact SQL for you (approved, no bastion; a SELECT comes back as a file)`,
    `• ${c(' list')} — your recent requests`,
    `• ${c(' end <request-id>')} — end your access now, or cancel a request still waiting`,
    `• ${c(' extend <request-id> <duration>')} — ask for more time`,
    `• ${c(' help')} — this help`,
    'Durations: 30m, 1h, 1h30m, 90s, 1d.',
  ].join('\n');
}

type Read<T> = { ok: true; value: T } | { ok: false; error: string };

function readTarget(text: string | undefined): Read<string> {
  if (text === undefined)
    return { ok: false, error: 'missing the target (the database to reach, e.g. orders-prod)' };
  const parsed = targetSchema.safeParse(text);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        error: `invalid target ${quote(text)}: a target name is 1 to 24 characters a-z, 0-9 and -`,
      };
}

function readTier(text: string | undefined): Read<Tier> {
  if (text === undefined) return { ok: false, error: 'missing the tier: READ, DML or DDL' };
  const tier = TIERS.find((t) => t === text.toUpperCase());
  return tier
    ? { ok: true, value: tier }
    : { ok: false, error: `unknown tier ${quote(text)}: use READ, DML or DDL` };
}

function readDuration(text: string | undefined): Read<number> {
  if (text === undefined) return { ok: false, error: 'missing the duration (e.g. 30m, 1h, 1h30m)' };
  const parsed = parseDuration(text);
  return parsed.ok ? parsed : { ok: false, error: escapeMrkdwn(parsed.error.message) };
}

function readRequestId(text: string | undefined): Read<string> {
  if (text === undefined) return { ok: false, error: 'missing the request id (e.g. r-k3m9x2p7qa)' };
  const parsed = typedRequestIdSchema.safeParse(text);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: `${quote(text)} is not a request id: ids look like r-k3m9x2p7qa` };
}

function readReason(rest: string): Read<{ reason: string; ticket?: string }> {
  let reason = rest.trim();
  let ticket: string | undefined;
  const lastStart = reason.search(/\S+$/);
  const ticketWord = lastStart === -1 ? null : TICKET_WORD.exec(reason.slice(lastStart));
  if (ticketWord) {
    const url = unwrapLink(ticketWord[1] ?? '');
    if (!ticketSchema.safeParse(url).success) {
      return {
        ok: false,
        error: `invalid ticket link ${quote(url)}: write ticket:https://… (at most ${TICKET_MAX_LENGTH} characters)`,
      };
    }
    ticket = url;
    reason = reason.slice(0, lastStart).trim();
  }
  if (reason === '') return { ok: false, error: 'missing the reason: say why you need access' };
  if (reason.length > REASON_MAX_LENGTH) {
    return {
      ok: false,
      error: `the reason is too long (${reason.length} characters; at most ${REASON_MAX_LENGTH})`,
    };
  }
  return { ok: true, value: ticket === undefined ? { reason } : { reason, ticket } };
}

/** Slack's link forms `<url>` and `<url|label>` (sent when the app escapes links) become the bare URL. */
function unwrapLink(text: string): string {
  const wrapped = /^<([^|>]*)(?:\|[^>]*)?>$/.exec(text);
  return wrapped ? (wrapped[1] ?? '') : text;
}

function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name] ?? '');
}

/** User text quoted for an error message: short, escaped. */
function quote(text: string): string {
  return `"${escapeMrkdwn(clip(text, 40))}"`;
}
