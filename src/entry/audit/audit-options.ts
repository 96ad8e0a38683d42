/**
 * The options of `drawbridge audit`, checked with zod: each problem names the option, what was wrong and
 * an example of what works.
 */
import { z } from 'zod';
import type { AuditFilter } from '../../domain/audit-query.js';
import { parseDuration } from '../../domain/duration.js';
import { requestIdSchema } from '../../domain/request-id.js';
import { REQUEST_STATES, TIERS } from '../../domain/types.js';

export const AUDIT_FORMATS = ['table', 'csv', 'json', 'jsonl'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditOptions {
  filter: AuditFilter;
  format: AuditFormat;
  requestId?: string;
  /** Read the access's activity from its audit source now (read only), beside what the history holds. */
  activity: boolean;
  verify: boolean;
  /** A file of the digest's witness lines. */
  witness?: string;
  /** A PEM public key to verify with instead of the configured key. */
  publicKey?: string;
  /** Write an evidence report (`.md` or `.html`). */
  report?: string;
}

/** An ISO 8601 date or time (`2026-12-01`, `2026-12-01T08:00:00Z`), or a duration ago (`24h`, `7d`). */
const pointInTime = (now: Date) =>
  z.string().transform((text, ctx) => {
    const duration = parseDuration(text);
    if (duration.ok) return new Date(now.getTime() - duration.value * 1000);
    const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)
      ? Date.parse(/T/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? `${text}Z` : text)
      : Number.NaN;
    if (Number.isNaN(iso)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is neither a date (2026-12-01, 2026-12-01T08:00Z; UTC unless an offset is given) nor a time ago (24h, 7d)`,
      });
      return z.NEVER;
    }
    return new Date(iso);
  });

const oneOf = <const T extends readonly string[]>(values: T, what: string) =>
  z.enum(values, {
    error: (issue) => `"${String(issue.input)}" is not ${what}; expected one of ${values.join(', ')}`,
  });

function schema(now: Date) {
  return z
    .strictObject({
      since: pointInTime(now).optional(),
      until: pointInTime(now).optional(),
      requester: z.string().min(1).optional(),
      approver: z
        .string()
        .regex(/^[UW][A-Z0-9]{2,30}$/, 'expected a Slack user id such as U0123ABCD')
        .optional(),
      target: z.string().min(1).optional(),
      tier: oneOf(TIERS, 'a tier').optional(),
      state: oneOf(REQUEST_STATES, 'a request state').optional(),
      format: oneOf(AUDIT_FORMATS, 'a format').optional(),
      json: z.boolean().optional(),
      request: requestIdSchema.optional(),
      activity: z.boolean().optional(),
      verify: z.boolean().optional(),
      witness: z.string().min(1).optional(),
      'public-key': z.string().min(1).optional(),
      report: z
        .string()
        .regex(/\.(md|html?)$/i, 'expected a file name ending in .md or .html, e.g. evidence.html')
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (v.activity && !v.request)
        ctx.addIssue({
          code: 'custom',
          path: ['activity'],
          message: 'needs --request <id>: activity is read for one access',
        });
      if (v.json && v.format && v.format !== 'json')
        ctx.addIssue({ code: 'custom', path: ['json'], message: `conflicts with --format ${v.format}` });
      if (v.since && v.until && v.since > v.until)
        ctx.addIssue({ code: 'custom', path: ['since'], message: 'is after --until' });
    });
}

export type ParsedAuditOptions = { ok: true; value: AuditOptions } | { ok: false; message: string };

export function parseAuditOptions(values: Record<string, unknown>, now: Date): ParsedAuditOptions {
  const parsed = schema(now).safeParse(values);
  if (!parsed.success)
    return {
      ok: false,
      message: parsed.error.issues
        .map((i) => `${i.path.length > 0 ? `--${i.path.join('.')}` : 'options'}: ${i.message}`)
        .join('\n'),
    };
  const v = parsed.data;
  const filter: AuditFilter = {
    ...(v.since ? { since: v.since } : {}),
    ...(v.until ? { until: v.until } : {}),
    ...(v.requester ? { requester: v.requester } : {}),
    ...(v.approver ? { approver: v.approver } : {}),
    ...(v.target ? { target: v.target } : {}),
    ...(v.tier ? { tier: v.tier } : {}),
    ...(v.state ? { state: v.state } : {}),
  };
  return {
    ok: true,
    value: {
      filter,
      format: v.format ?? (v.json ? 'json' : 'table'),
      ...(v.request ? { requestId: v.request } : {}),
      activity: v.activity ?? false,
      verify: v.verify ?? false,
      ...(v.witness ? { witness: v.witness } : {}),
      ...(v['public-key'] ? { publicKey: v['public-key'] } : {}),
      ...(v.report ? { report: v.report } : {}),
    },
  };
}
