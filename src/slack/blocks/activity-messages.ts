/**
 * What an ended access executed (a reply in its approval thread) and the daily digest (the security
 * channel). Statements are user text: escaped, and shown in code blocks that no statement can close.
 */

import type { KnownBlock } from '@slack/types';
import { type ActivityEvidence, hasSummary } from '../../domain/activity.js';
import { activityCounts, changeLines, digestLines, statementLine } from '../../domain/activity-text.js';
import type { Digest } from '../../domain/digest.js';
import type { AccessRequest } from '../../domain/types.js';
import { capBlocks, context, fallback, header, type SlackMessage, section } from './kit.js';
import { SLACK_LIMITS } from './limits.js';
import { code, escapeMrkdwn, mention } from './text.js';

/** Room for the fences and the "lines left out" note inside one section. */
const BLOCK_TEXT = SLACK_LIMITS.sectionText - 120;

/**
 * Lines in one code block, whole lines only, within a section's limit: lines that do not fit are counted
 * in a last line. Runs of backticks are broken up, so a statement cannot end the block.
 */
export function snippet(lines: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    const shown = escapeMrkdwn(line.replace(/`{3,}/g, (run) => run.split('').join('\u200b')));
    if (length + shown.length + 1 > BLOCK_TEXT) break;
    kept.push(shown);
    length += shown.length + 1;
  }
  const left = lines.length - kept.length;
  if (left > 0) kept.push(`… ${left} more line(s): drawbridge audit --request shows them all`);
  return `\`\`\`${kept.join('\n')}\`\`\``;
}

export function activityMessage(request: AccessRequest, evidence: ActivityEvidence): SlackMessage {
  const title = `What ${mention(request.requester.slackUserId)}'s access ${code(request.id)} executed`;
  if (!hasSummary(evidence)) {
    const text = `${title}: not known — the audit records could not be read (${escapeMrkdwn(evidence.unavailable)}).`;
    return { text: fallback(text), blocks: [section(text), context(escapeMrkdwn(evidence.source))] };
  }
  const { summary } = evidence;
  const counts = escapeMrkdwn(activityCounts(summary));
  const blocks: KnownBlock[] = [section(`${title}: ${counts}`)];
  const changes = changeLines(summary);
  if (changes.length > 0) blocks.push(section(`*Writes and DDL*\n${snippet(changes)}`));
  if (summary.failures.length > 0)
    blocks.push(section(`*Failed statements*\n${snippet(summary.failures.map(statementLine))}`));
  return {
    text: fallback(`${title}: ${counts}`),
    blocks: [...blocks, context(`Source: ${escapeMrkdwn(evidence.source)}`)],
  };
}

export function digestMessage(digest: Digest): SlackMessage {
  const [title, ...rest] = digestLines(digest);
  const blocks: KnownBlock[] = [header(title ?? 'Drawbridge digest')];
  // One section per request (its statements in a code block), then the chain heads.
  const paragraphs = rest
    .join('\n')
    .split('\n\n')
    .filter((p) => p.trim() !== '');
  for (const paragraph of paragraphs) {
    const [first, ...lines] = paragraph.split('\n');
    blocks.push(section(`*${escapeMrkdwn(first ?? '')}*\n${snippet(lines.map((l) => l.trim()))}`));
  }
  if (digest.entries.length === 0 && digest.heads.length === 0)
    blocks.push(section('Nothing ran through Drawbridge in this period.'));
  return {
    text: fallback(title ?? 'Drawbridge digest'),
    blocks: capBlocks(
      blocks,
      SLACK_LIMITS.messageBlocks,
      (left) => `${left} more: drawbridge audit --since … lists them`,
    ),
  };
}
