/** Ephemeral replies to `/bastion list` and `/bastion help` (mrkdwn text). */
import type { AccessRequest } from '../../domain/types.js';
import { slashUsage } from '../slash-grammar.js';
import { shortSummary } from './request-facts.js';
import { shortState } from './status-text.js';
import { code } from './text.js';

const SHOWN = 20;

export function listText(requests: readonly AccessRequest[], command = '/bastion'): string {
  if (requests.length === 0) return `You have no requests yet. Ask with ${code(command)}.`;
  const lines = requests
    .slice(0, SHOWN)
    .map((r) => `• ${code(r.id)} *${shortSummary(r)}* — ${shortState(r)}`);
  if (requests.length > SHOWN) lines.push(`… and ${requests.length - SHOWN} older ones.`);
  return ['*Your requests*', ...lines].join('\n');
}

export function helpText(command = '/bastion'): string {
  return (
    '*Drawbridge* gives you short-lived, approved access to production databases: ask, an approver ' +
    `decides, and you get your own account through your own bastion until it expires.\n\n${slashUsage(command)}`
  );
}
