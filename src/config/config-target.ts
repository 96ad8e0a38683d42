/**
 * One target of the config as a zod schema for a mode. Its `defaults` and `tiers` are resolved into the
 * domain's TargetPolicy (config-policy.ts) as soon as the target itself is valid, then checked as a whole.
 */
import * as z from 'zod';
import { userPrefixProblem } from '../domain/names.js';
import { TIERS } from '../domain/types.js';
import { ssmParameterName } from './config-aws-values.js';
import { activitySchemaFor } from './config-evidence.js';
import { quorumProblem, resolveTier } from './config-policy.js';
import type { Mode } from './config-sections.js';
import type { DatabaseConfig, TargetConfig } from './config-types.js';
import {
  anyText,
  approverId,
  bool,
  channelId,
  duration,
  durationWithin,
  leaf,
  oneOf,
  privilege,
  refused,
  required,
  schemaName,
  strict,
  tablePattern,
  targetName,
  text,
  wholeNumber,
} from './config-values.js';

const list = <T extends z.ZodType>(item: T) => z.array(item);

const policyFields = {
  approvers: list(approverId).optional(),
  approvalsRequired: wholeNumber(1).optional(),
  maxDuration: duration.optional(),
  approvalTimeout: duration.optional(),
  requireReason: bool.optional(),
  requireTicket: bool.optional(),
  autoApprove: bool.optional(),
  extension: strict({
    maxCount: wholeNumber(0).optional(),
    maxTotal: duration.optional(),
    autoApprove: bool.optional(),
  }).optional(),
  /** Per requester, on this target and tier; the requester's 100 newest requests are counted. */
  limits: strict({
    maxPending: wholeNumber(1, 20).optional(),
    maxLive: wholeNumber(1, 20).optional(),
    maxPerHour: wholeNumber(1, 50).optional(),
  }).optional(),
  /** `/bastion run`: each statement's deadline, and an export's caps. */
  runs: strict({
    statementTimeout: durationWithin(1, 3_600).optional(),
    maxRows: wholeNumber(1, 100_000_000).optional(),
    maxMegabytes: wholeNumber(1, 1_000).optional(),
  }).optional(),
};

/**
 * `false` (the default), or who may self-approve: a list is required, since break-glass for every member of
 * the workspace would make approval optional.
 */
const breakGlassSchema = z.union(
  [
    z.literal(false),
    strict({
      allowed: list(approverId).min(1),
      minJustification: wholeNumber(10, 500).optional(),
    }),
  ],
  {
    error: (issue) =>
      issue.input === true
        ? 'expected the people who may use it, e.g. { allowed: [U0ONCALL, S0SRE], minJustification: 20 }; true alone would let every member self-approve'
        : 'expected false, or { allowed: [user or user-group ids], minJustification: 20 }',
  },
);

const requestersSchema = strict({ allowGuests: bool.optional(), allowExternal: bool.optional() });

const defaultsSchema = strict(policyFields);
/** `DDL:` with nothing after it offers the tier with the target's defaults. */
const tierSchema = z.preprocess(
  (value) => (value === null ? {} : value),
  strict({ ...policyFields, privileges: list(privilege).min(1).optional() }),
);

const host = text('expected a host name or IP address');
const caBundlePath = text(
  'expected the path of a PEM file of CA certificates such as /opt/rds-global-bundle.pem',
);

/**
 * Local mode reads the admin password from the config (usually `${VAR}`); AWS mode never does: the password
 * lives in an SSM SecureString named by `adminPasswordParameter`, read by the Lambdas at start.
 */
function databaseSchema(mode: Mode) {
  const common = {
    port: wholeNumber(1, 65_535).optional(),
    adminUser: text('expected a MySQL user name such as root'),
    tls: bool.optional(),
    caBundlePath: caBundlePath.optional(),
  };
  if (mode === 'local') {
    return strict({
      ...common,
      host: host.optional(),
      adminPassword: anyText.optional(),
      adminPasswordParameter: refused(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a `${VAR}` reference is what the user should write.
        'needs mode: aws; in mode: local write adminPassword, e.g. "${DRAWBRIDGE_DB_PASSWORD}"',
      ).optional(),
      socketPath: text('expected the path of a Unix socket such as /run/mysqld/mysqld.sock').optional(),
    });
  }
  return strict({
    ...common,
    host: required(host, 'mode: aws needs the database endpoint, e.g. the Aurora cluster endpoint'),
    adminPassword: refused(
      'a plain password is refused in mode: aws; store it in an SSM SecureString and name that in adminPasswordParameter',
    ).optional(),
    adminPasswordParameter: required(
      ssmParameterName,
      'mode: aws reads the admin password from the SSM SecureString named here',
    ),
    socketPath: refused('needs mode: local; in mode: aws connect with host and port').optional(),
  });
}

interface RawDatabase {
  host?: string | undefined;
  port?: number | undefined;
  adminUser: string;
  adminPassword?: string | undefined;
  adminPasswordParameter?: string | undefined;
  socketPath?: string | undefined;
  tls?: boolean | undefined;
  caBundlePath?: string | undefined;
}

/** TLS is on by default in AWS mode: the admin session and the users cross a network there. */
function databaseConfig(raw: RawDatabase, mode: Mode): DatabaseConfig {
  return {
    host: raw.host ?? '127.0.0.1',
    port: raw.port ?? 3306,
    adminUser: raw.adminUser,
    // Empty in AWS mode: the runtime fills it from adminPasswordParameter.
    adminPassword: raw.adminPassword ?? '',
    ...(raw.adminPasswordParameter === undefined
      ? {}
      : { adminPasswordParameter: raw.adminPasswordParameter }),
    ...(raw.socketPath === undefined ? {} : { socketPath: raw.socketPath }),
    tls: raw.tls ?? mode === 'aws',
    ...(raw.caBundlePath === undefined ? {} : { caBundlePath: raw.caBundlePath }),
  };
}

export function targetSchemaFor(mode: Mode) {
  return strict({
    name: targetName,
    description: anyText.optional(),
    database: databaseSchema(mode),
    schemas: list(schemaName).min(1),
    protectedTables: list(tablePattern).optional(),
    grantMode: oneOf(['auto', 'roles', 'direct']).optional(),
    kill: oneOf(['kill', 'rds_kill']).optional(),
    approvalChannel:
      mode === 'aws'
        ? required(
            channelId,
            'mode: aws posts approval requests to this Slack channel (an id such as C0123ABCD)',
          )
        : channelId.optional(),
    breakGlass: breakGlassSchema.optional(),
    requesters: requestersSchema.optional(),
    userPrefix: leaf((value) => {
      const problem = typeof value === 'string' ? userPrefixProblem(value) : 'expected a text such as dbx_';
      return problem === undefined
        ? { ok: true as const, value: value as string }
        : { ok: false as const, message: problem };
    }).optional(),
    defaults: defaultsSchema.optional(),
    tiers: strict({ READ: tierSchema.optional(), DML: tierSchema.optional(), DDL: tierSchema.optional() }),
    activity: activitySchemaFor(mode).optional(),
  }).transform((raw, ctx): TargetConfig => {
    const tiers: TargetConfig['policy']['tiers'] = {};
    for (const tier of TIERS) {
      const input = raw.tiers[tier];
      if (input === undefined) continue;
      const policy = resolveTier(tier, raw.defaults ?? {}, input);
      const problem = quorumProblem(policy);
      if (problem !== undefined) {
        const where = input.approvalsRequired !== undefined ? ['approvalsRequired'] : [];
        ctx.addIssue({ code: 'custom', message: problem, path: ['tiers', tier, ...where] });
      }
      tiers[tier] = policy;
    }
    if (Object.keys(tiers).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `offer at least one tier: ${TIERS.join(', ')}`,
        path: ['tiers'],
      });
    }
    return {
      name: raw.name,
      description: raw.description ?? '',
      database: databaseConfig(raw.database, mode),
      schemas: [...new Set(raw.schemas)],
      protectedTables: [...new Set(raw.protectedTables ?? [])],
      grantMode: raw.grantMode ?? 'auto',
      kill: raw.kill ?? 'kill',
      activity: raw.activity ?? { kind: 'none' },
      ...(raw.approvalChannel === undefined ? {} : { approvalChannel: raw.approvalChannel }),
      policy: {
        name: raw.name,
        breakGlass: raw.breakGlass
          ? {
              allowed: [...new Set(raw.breakGlass.allowed)],
              minJustification: raw.breakGlass.minJustification ?? 20,
            }
          : undefined,
        userPrefix: raw.userPrefix ?? '',
        schemas: [...new Set(raw.schemas)],
        protectedTables: [...new Set(raw.protectedTables ?? [])],
        requesters: {
          allowGuests: raw.requesters?.allowGuests ?? false,
          allowExternal: raw.requesters?.allowExternal ?? false,
        },
        tiers,
      },
    };
  });
}
