/**
 * Text for Slack: mrkdwn escaping, length clamping that never splits a character, an entity or a
 * `<…>` control sequence, and the mrkdwn forms of mentions, dates and links.
 */
import { POLICY, SYSTEM } from '../../domain/types.js';

const ELLIPSIS = '…';

/** Escapes the three characters mrkdwn treats as control characters (Slack: "Formatting text for app surfaces"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts plain text to at most `max` UTF-16 units, ending with `…` when cut, never inside a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - ELLIPSIS.length) break;
    out += char;
  }
  return out + ELLIPSIS;
}

/**
 * User text as mrkdwn: escaped, then cut so that the escaped form is at most `max` long. Cutting after
 * escaping could split `&amp;`; this counts each character's escaped length instead.
 */
export function userText(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const char of text) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/**
 * Last-resort clamp of finished mrkdwn (already escaped, possibly holding mentions, dates and links):
 * cuts at `max`, then drops a trailing half-written entity or `<…>` sequence so Slack never sees one.
 */
export function clampMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = clip(text, max).slice(0, -ELLIPSIS.length);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  return cut + ELLIPSIS;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** `<@U…>` for a user, `<!subteam^S…>` for a user group, words for `system` / `policy`, escaped text otherwise. */
export function mention(actor: string): string {
  if (USER_ID.test(actor)) return `<@${actor}>`;
  if (GROUP_ID.test(actor)) return `<!subteam^${actor}>`;
  if (actor === SYSTEM) return 'Drawbridge';
  if (actor === POLICY) return 'the policy (auto-approval)';
  return escapeMrkdwn(actor);
}

/**
 * A time every reader sees in their own time zone: `<!date^UNIX^{date_short_pretty} {time}|ISO>`.
 * Text that is not a date is shown escaped as it is.
 */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  const fallback = new Date(ms).toISOString();
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/** A link for http(s) URLs; anything else is shown as escaped text, never as a link. */
export function link(url: string, label?: string): string {
  if (!isHttpUrl(url)) return escapeMrkdwn(url);
  const target = escapeMrkdwn(url).replace(/\|/g, '%7C');
  return label === undefined ? `<${target}>` : `<${target}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || /\s/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** Text in a code block; for system-made text only (commands, names), which never holds three backticks. */
export function codeBlock(text: string): string {
  return `\`\`\`${escapeMrkdwn(text)}\`\`\``;
}

/** Inline code for system-made text (request ids, user names). */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;
}
