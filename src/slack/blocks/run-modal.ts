/**
 * `/bastion run`: the form for a run — target and tier, the exact SQL (up to Slack's 3,000 characters), the
 * schema, the reason and ticket, the rows a DML will change, and an export's format — and reading it back.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result.js';
import { RUN_FORMATS, type RunFormat, TIERS, type Tier } from '../../domain/types.js';
import { VIEW } from '../ids.js';
import type { TargetChoice } from '../view-models.js';
import { option, plain, section } from './kit.js';
import { SLACK_LIMITS } from './limits.js';
import { type SubmissionError, selectedOf, textOf, viewState } from './view-state.js';

export const RUN_INPUT = {
  target: { block: 'run_target', action: 'run_target' },
  sql: { block: 'run_sql', action: 'run_sql' },
  schema: { block: 'run_schema', action: 'run_schema' },
  reason: { block: 'run_reason', action: 'run_reason' },
  ticket: { block: 'run_ticket', action: 'run_ticket' },
  expectedRows: { block: 'run_expected_rows', action: 'run_expected_rows' },
  format: { block: 'run_format', action: 'run_format' },
} as const;

export const RUN_SQL_MAX_LENGTH = 3_000;

const input = (
  ids: { block: string; action: string },
  label: string,
  element: Record<string, unknown>,
  optional = false,
  hint?: string,
): KnownBlock =>
  ({
    type: 'input',
    block_id: ids.block,
    optional,
    label: plain(label, SLACK_LIMITS.inputLabel),
    element: { action_id: ids.action, ...element },
    ...(hint ? { hint: plain(hint, SLACK_LIMITS.inputHint) } : {}),
  }) as KnownBlock;

/** One option per target and tier it offers (`orders-prod · DML`). */
export function runModal(targets: readonly TargetChoice[]): ModalView {
  const choices = targets.flatMap((t) =>
    t.tiers.map((tier) => option(`${t.name} · ${tier.tier}`, `${t.name}|${tier.tier}`, t.description)),
  );
  return {
    type: 'modal',
    callback_id: VIEW.run,
    title: plain('Run SQL', SLACK_LIMITS.modalTitle),
    submit: plain('Ask for approval', SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      section(
        'Drawbridge runs this exact SQL for you once approved — no bastion. A SELECT comes back as a file in your DM; DML runs in one transaction, rolled back unless it changes the rows you expect; DDL runs statement by statement.',
      ),
      input(RUN_INPUT.target, 'Target and tier', {
        type: 'static_select',
        options: choices.slice(0, SLACK_LIMITS.selectOptions),
        ...(choices.length === 1 ? { initial_option: choices[0] } : {}),
      }),
      input(RUN_INPUT.sql, 'SQL', {
        type: 'plain_text_input',
        multiline: true,
        max_length: RUN_SQL_MAX_LENGTH,
        placeholder: plain("UPDATE orders SET state = 'refunded' WHERE id = 4711", SLACK_LIMITS.placeholder),
      }),
      input(
        RUN_INPUT.schema,
        'Schema',
        { type: 'plain_text_input', max_length: 64 },
        true,
        "The target's first schema when empty.",
      ),
      input(RUN_INPUT.reason, 'Reason', { type: 'plain_text_input', multiline: true, max_length: 2_000 }),
      input(RUN_INPUT.ticket, 'Ticket', { type: 'url_text_input' }, true),
      input(
        RUN_INPUT.expectedRows,
        'Rows the statements will change (DML)',
        { type: 'number_input', is_decimal_allowed: false, min_value: '0' },
        true,
        'Required for INSERT, UPDATE and DELETE: the run rolls back if the count differs.',
      ),
      input(
        RUN_INPUT.format,
        'File format (SELECT)',
        {
          type: 'static_select',
          options: RUN_FORMATS.map((f) => option(f.toUpperCase(), f)),
          initial_option: option('CSV', 'csv'),
        },
        true,
      ),
    ],
  };
}

export interface RunModalInput {
  target: string;
  tier: Tier;
  sql: string;
  schema?: string;
  reason: string;
  ticket?: string;
  expectedRows?: number;
  format?: RunFormat;
}

const choiceSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,24}\|(READ|DML|DDL)$/)
  .transform((v) => {
    const [target, tier] = v.split('|') as [string, Tier];
    return { target, tier: TIERS.includes(tier) ? tier : ('READ' as Tier) };
  });

export function readRunModal(values: unknown): Result<RunModalInput, SubmissionError> {
  const v = viewState(values);
  const errors: Record<string, string> = {};
  const choice = choiceSchema.safeParse(selectedOf(v, RUN_INPUT.target) ?? '');
  if (!choice.success) errors[RUN_INPUT.target.block] = 'Pick a target and tier';
  const sql = textOf(v, RUN_INPUT.sql);
  if (!sql) errors[RUN_INPUT.sql.block] = 'Write the SQL to run';
  const reason = textOf(v, RUN_INPUT.reason);
  if (!reason) errors[RUN_INPUT.reason.block] = 'Say why it has to run';
  const rowsText = textOf(v, RUN_INPUT.expectedRows);
  const rows = rowsText === '' ? undefined : Number(rowsText);
  if (rows !== undefined && (!Number.isInteger(rows) || rows < 0))
    errors[RUN_INPUT.expectedRows.block] = 'A whole number of rows, 0 or more';
  const format = selectedOf(v, RUN_INPUT.format) as RunFormat | undefined;
  if (Object.keys(errors).length > 0 || !choice.success) return err({ code: 'invalid_submission', errors });
  const schema = textOf(v, RUN_INPUT.schema);
  const ticket = textOf(v, RUN_INPUT.ticket);
  return ok({
    ...choice.data,
    sql,
    reason,
    ...(schema ? { schema } : {}),
    ...(ticket ? { ticket } : {}),
    ...(rows !== undefined ? { expectedRows: rows } : {}),
    ...(format && RUN_FORMATS.includes(format) ? { format } : {}),
  });
}
