/**
 * The shape of an AccessRequest as read back from DynamoDB (then checked for what its state guarantees,
 * checkRequestShape). Items are data from outside the process
 * (another version of Drawbridge, a hand edit in the console), so they are checked before use.
 */
import { z } from 'zod';
import {
  EVENT_TYPES,
  REQUEST_STATES,
  type RequestEvent,
  RUN_FORMATS,
  type StoredRequest,
  TIERS,
} from '../../domain/types.js';

/** Timestamps are what `Date.prototype.toISOString` writes: UTC, `Z`, sorted as strings (the GSIs rely on it). */
const timestamp = z.iso.datetime();
const text = z.string();
const name = z.string().min(1);
const state = z.enum(REQUEST_STATES);
const count = z.number().int().nonnegative();
const port = z.number().int().min(1).max(65_535);

const decisionSchema = z.object({
  by: name,
  at: timestamp,
  verdict: z.enum(['approve', 'deny']),
  reason: text.exactOptional(),
});

const connectInfoSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), host: name, port }),
  z.object({
    kind: z.literal('ssm'),
    instanceId: name,
    region: name,
    remoteHost: name,
    remotePort: port,
    localPort: port,
    // Absent on requests recorded before bastions had a document of their own.
    document: name.exactOptional(),
  }),
]);

const eventSchema = z.object({
  at: timestamp,
  actor: name,
  type: z.enum(EVENT_TYPES),
  from: state,
  to: state,
  details: z.record(z.string(), z.unknown()).exactOptional(),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
});

const runKind = z.enum([
  'select',
  'insert',
  'update',
  'delete',
  'create table',
  'create index',
  'alter table',
  'drop table',
  'drop index',
  'rename table',
  'truncate table',
]);

const runSpecSchema = z.object({
  sql: text,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
  schema: name,
  mode: z.enum(['export', 'dml', 'ddl']),
  statements: z.array(z.object({ kind: runKind, text })),
  expectedRows: count.exactOptional(),
  format: z.enum(RUN_FORMATS).exactOptional(),
});

const runResultSchema = z.object({
  outcome: z.enum(['committed', 'rolled-back', 'completed', 'stopped', 'exported', 'failed']),
  message: text,
  statements: z.array(
    z.object({
      kind: runKind,
      rows: count.exactOptional(),
      ms: z.number().nonnegative(),
      error: text.exactOptional(),
    }),
  ),
  export: z
    .object({
      rows: count,
      bytes: count,
      sha256: text,
      gzip: z.boolean(),
      capped: z.enum(['rows', 'bytes']).exactOptional(),
      name,
      deliveredTo: z.enum(['slack', 's3', 'folder']),
    })
    .exactOptional(),
});

export const accessRequestSchema = z.object({
  id: name,
  version: z.number().int().positive(),
  kind: z.literal('run').exactOptional(),
  run: runSpecSchema.exactOptional(),
  runResult: runResultSchema.exactOptional(),
  state,
  requester: z.object({ slackUserId: name, email: text, dbUser: text }),
  target: name,
  tier: z.enum(TIERS),
  durationSeconds: count,
  reason: text,
  ticket: text.exactOptional(),
  breakGlass: z
    .object({
      justification: text,
      reviewedBy: name.exactOptional(),
      reviewedAt: timestamp.exactOptional(),
    })
    .exactOptional(),
  requestedAt: timestamp,
  approvalDeadline: timestamp,
  approvals: z.array(decisionSchema),
  denial: decisionSchema.exactOptional(),
  provisioningDeadline: timestamp.exactOptional(),
  bastionId: name.exactOptional(),
  bastion: z.object({ id: name, sourceIp: name, connect: connectInfoSchema }).exactOptional(),
  account: z.object({ user: name, host: name }).exactOptional(),
  activityFrom: text.exactOptional(),
  activatedAt: timestamp.exactOptional(),
  expiresAt: timestamp.exactOptional(),
  warnedAt: timestamp.exactOptional(),
  pendingExtension: z
    .object({
      seconds: count,
      requestedBy: name,
      requestedAt: timestamp,
      approvals: z.array(decisionSchema),
    })
    .exactOptional(),
  extensions: z.object({ count, totalSeconds: count }),
  endedAt: timestamp.exactOptional(),
  endReason: text.exactOptional(),
  failure: z.object({ step: text, reason: text, leftovers: z.array(text) }).exactOptional(),
  dueAt: timestamp.exactOptional(),
  events: z.array(eventSchema),
  seal: z
    .object({ keyId: name, algorithm: z.enum(['ed25519', 'ECDSA_SHA_256']), signature: name })
    .exactOptional(),
});

/** Top-level attributes a request may lack; an update REMOVEs those absent from the new version. */
export const OPTIONAL_REQUEST_ATTRIBUTES: readonly string[] = Object.entries(accessRequestSchema.shape)
  .filter(([, schema]) => schema instanceof z.ZodExactOptional)
  .map(([key]) => key);

// Compile-time proof that the schema and the domain type describe the same thing, both ways.
type Parsed = z.infer<typeof accessRequestSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Parsed, StoredRequest> = true;
const eventSchemaMatchesType: Same<z.infer<typeof eventSchema>, RequestEvent> = true;
void schemaMatchesType;
void eventSchemaMatchesType;
