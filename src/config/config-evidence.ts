/**
 * The evidence sections of the config: where each target's audit records are read from (`activity`, per
 * target), where the daily digest goes (`digest`), and what signs the history's chain heads (`history`).
 */
import * as z from 'zod';
import { DEFAULT_ACTIVITY_OPTIONS } from '../domain/activity.js';
import { awsRegion } from './config-aws-values.js';
import { AWS, BOTH, kindUnion, LOCAL, type Mode } from './config-sections.js';
import type { ActivityConfig, DigestConfig, HistoryConfig } from './config-types.js';
import { bool, channelId, strict, text, wholeNumber } from './config-values.js';

const summaryFields = {
  maskLiterals: bool.optional(),
  maxListed: wholeNumber(1, 500).optional(),
  maxStatementLength: wholeNumber(40, 2_000).optional(),
};

type SummaryFields = {
  maskLiterals?: boolean | undefined;
  maxListed?: number | undefined;
  maxStatementLength?: number | undefined;
};

const options = (raw: SummaryFields) => ({
  maskLiterals: raw.maskLiterals ?? DEFAULT_ACTIVITY_OPTIONS.maskLiterals,
  maxListed: raw.maxListed ?? DEFAULT_ACTIVITY_OPTIONS.maxListed,
  maxStatementLength: raw.maxStatementLength ?? DEFAULT_ACTIVITY_OPTIONS.maxStatementLength,
});

const none = strict({ kind: z.literal('none') });
const mariadbAudit = strict({
  kind: z.literal('mariadb-audit'),
  file: text('expected the path of the server_audit log file, e.g. /var/lib/mysql/server_audit.log'),
  ...summaryFields,
}).transform((raw): ActivityConfig => ({ kind: 'mariadb-audit', file: raw.file, options: options(raw) }));
const cloudwatchLogs = strict({
  kind: z.literal('cloudwatch-logs'),
  logGroup: text(
    'expected the audit log group, e.g. /aws/rds/cluster/<cluster>/audit',
    /^[A-Za-z0-9_./#-]{1,512}$/,
  ),
  region: awsRegion.optional(),
  endpoint: text('expected a URL such as http://localhost:5000', /^https?:\/\/\S+$/).optional(),
  ...summaryFields,
}).transform(
  (raw): ActivityConfig => ({
    kind: 'cloudwatch-logs',
    logGroup: raw.logGroup,
    ...(raw.region === undefined ? {} : { region: raw.region }),
    ...(raw.endpoint === undefined ? {} : { endpoint: raw.endpoint }),
    options: options(raw),
  }),
);

/** A target's audit records: the server's file locally (a Lambda cannot read it), CloudWatch Logs anywhere. */
export function activitySchemaFor(mode: Mode) {
  return kindUnion('activity', mode, [
    { kind: 'none', modes: BOTH, schema: none },
    { kind: 'mariadb-audit', modes: LOCAL, schema: mariadbAudit },
    { kind: 'cloudwatch-logs', modes: BOTH, schema: cloudwatchLogs },
  ]);
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const digestSchema = strict({
  channel: channelId,
  at: text('expected a time of day in UTC such as "08:00"', TIME_OF_DAY).optional(),
}).transform((raw): DigestConfig => {
  const [, h, m] = TIME_OF_DAY.exec(raw.at ?? '08:00') as RegExpExecArray;
  return { channel: raw.channel, atMinuteOfDay: Number(h) * 60 + Number(m) };
});

/** Where the local signing key lives unless the config says: beside the working directory's other state. */
export const DEFAULT_SIGNING_KEY_FILE = '.drawbridge/history-signing-key.pem';

const keyFile = strict({
  kind: z.literal('key-file'),
  path: text('expected the path of the Ed25519 key file (created on first use, mode 0600)').optional(),
}).transform((raw): HistoryConfig['signing'] => ({
  kind: 'key-file',
  path: raw.path ?? DEFAULT_SIGNING_KEY_FILE,
}));
const kms = strict({
  kind: z.literal('kms'),
  keyId: text('expected the KMS key id, ARN or alias of an ECC_NIST_P256 SIGN_VERIFY key'),
  region: awsRegion.optional(),
  endpoint: text('expected a URL such as http://localhost:5000', /^https?:\/\/\S+$/).optional(),
}).transform((raw): HistoryConfig['signing'] => ({
  kind: 'kms',
  keyId: raw.keyId,
  ...(raw.region === undefined ? {} : { region: raw.region }),
  ...(raw.endpoint === undefined ? {} : { endpoint: raw.endpoint }),
}));

/** Local mode signs with a key file by default; AWS mode needs the stack's KMS key. */
export function historySchemaFor(mode: Mode) {
  return strict({
    signing: kindUnion('history.signing', mode, [
      { kind: 'key-file', modes: LOCAL, schema: keyFile },
      { kind: 'kms', modes: [...AWS, ...LOCAL], schema: kms },
    ]),
  });
}
