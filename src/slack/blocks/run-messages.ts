/**
 * Runs in Slack: the SQL an approver approves (exact, in a code block; a long text in full behind View SQL),
 * what it will do, and its hash; then the outcome, per statement, for the requester and the approval thread.
 */
import type { KnownBlock } from '@slack/types';
import type { AccessRequest, RunSpec } from '../../domain/types.js';
import { ACTION } from '../ids.js';
import { snippet } from './activity-messages.js';
import { actions, button, context, fallback, type SlackMessage, section } from './kit.js';
import { code, escapeMrkdwn } from './text.js';

/** SQL up to this long is shown in the message itself; longer text behind View SQL. */
const INLINE_SQL = 2_500;

const MODE_TEXT: Record<RunSpec['mode'], string> = {
  export: 'a SELECT, exported as a file to the requester',
  dml: 'DML in one transaction, rolled back unless the rows changed are the rows expected',
  ddl: 'schema changes, one statement at a time (each commits)',
};

/** The value of a run's Approve button: the request id and the hash of the SQL the approver is shown. */
export const runApproveValue = (request: AccessRequest) => `${request.id}:${request.run?.sha256 ?? ''}`;

export function runFacts(request: AccessRequest): KnownBlock[] {
  const run = request.run;
  if (!run) return [];
  const kinds = [...new Set(run.statements.map((s) => s.kind.toUpperCase()))].join(', ');
  const expect =
    run.mode === 'dml'
      ? ` · expected rows: *${run.expectedRows ?? 0}*`
      : run.mode === 'export'
        ? ` · file: ${(run.format ?? 'csv').toUpperCase()}`
        : '';
  const blocks: KnownBlock[] = [
    section(
      `*Runs* ${escapeMrkdwn(MODE_TEXT[run.mode])}\n${run.statements.length} statement(s): ${kinds}${expect} · schema ${code(run.schema)}`,
    ),
  ];
  if (run.sql.length <= INLINE_SQL) blocks.push(section(snippet(run.sql.split('\n'))));
  else
    blocks.push(
      section(
        `${snippet(run.sql.slice(0, INLINE_SQL).split('\n'))}\n_${run.sql.length} characters in all: View SQL shows every one._`,
      ),
      actions('drawbridge_run_sql', [
        button({ text: 'View SQL', actionId: ACTION.viewSql, value: request.id }),
      ]),
    );
  blocks.push(context(`sha256 ${code(run.sha256)} — the approval is for exactly this text`));
  return blocks;
}

/** The whole SQL in a modal, section by section. */
export function sqlModal(request: AccessRequest) {
  const sql = request.run?.sql ?? '';
  const chunks: string[] = [];
  for (let i = 0; i < sql.length; i += 2_400) chunks.push(sql.slice(i, i + 2_400));
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'SQL of the run' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [
      ...chunks.map((c) => section(snippet(c.split('\n')))),
      context(`sha256 ${code(request.run?.sha256 ?? '')}`),
    ],
  };
}

export function runFinishedMessage(request: AccessRequest, link?: string): SlackMessage {
  const r = request.runResult;
  const icon =
    r?.outcome === 'committed' || r?.outcome === 'completed' || r?.outcome === 'exported'
      ? ':white_check_mark:'
      : ':warning:';
  const title = `${icon} Run ${code(request.id)} on ${escapeMrkdwn(request.target)}: ${escapeMrkdwn(r?.outcome ?? 'finished')} — ${escapeMrkdwn(r?.message ?? '')}`;
  const lines = (r?.statements ?? []).map(
    (s, i) =>
      `${i + 1}. ${s.kind.toUpperCase()}${s.rows === undefined ? '' : ` · ${s.rows} row(s)`} · ${Math.round(s.ms)} ms${s.error ? ` · ${s.error}` : ''}`,
  );
  const blocks: KnownBlock[] = [section(title)];
  if (lines.length > 0) blocks.push(section(snippet(lines)));
  const file = r?.export;
  if (file)
    blocks.push(
      context(
        `${escapeMrkdwn(file.name)}: ${file.rows} row(s), ${file.bytes} bytes${file.gzip ? ', gzipped' : ''}${file.capped ? `, capped (${file.capped})` : ''} · sha256 ${code(file.sha256)}${link ? ` · <${link}|download (the link expires within an hour)>` : ''}`,
      ),
    );
  return { text: fallback(`Run ${request.id}: ${r?.outcome ?? 'finished'} — ${r?.message ?? ''}`), blocks };
}
