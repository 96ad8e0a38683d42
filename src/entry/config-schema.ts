/**
 * The shape of the config file as zod schemas. Each target's `defaults` and `tiers` are resolved into the
 * domain's TargetPolicy (config-policy.ts) as soon as the target itself is valid, then checked as a whole.
 */
import * as z from 'zod';
import type { LifecycleTimings } from '../domain/policy-types.js';
import { TIERS } from '../domain/types.js';
import { directoryQuorumProblem, quorumProblem, resolveTier } from './config-policy.js';
import type { BastionConfig, DrawbridgeConfig, StoreConfig, TargetConfig } from './config-types.js';
import {
  anyText,
  approverId,
  bool,
  channelId,
  duration,
  email,
  loopbackNetwork,
  oneOf,
  privilege,
  schemaName,
  slackGroupId,
  slackUserId,
  slashCommand,
  strict,
  tablePattern,
  targetName,
  text,
  wholeNumber,
} from './config-values.js';

export const DEFAULT_LIFECYCLE: LifecycleTimings = {
  warnBeforeSeconds: 600,
  provisioningTimeoutSeconds: 300,
  deadManGraceSeconds: 900,
};

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
};

const defaultsSchema = strict(policyFields);
/** `DDL:` with nothing after it offers the tier with the target's defaults. */
const tierSchema = z.preprocess(
  (value) => (value === null ? {} : value),
  strict({ ...policyFields, privileges: list(privilege).min(1).optional() }),
);

const databaseSchema = strict({
  host: text('expected a host name or IP address').optional(),
  port: wholeNumber(1, 65_535).optional(),
  adminUser: text('expected a MySQL user name such as root'),
  adminPassword: anyText.optional(),
  socketPath: text('expected the path of a Unix socket such as /run/mysqld/mysqld.sock').optional(),
  tls: bool.optional(),
});

const targetSchema = strict({
  name: targetName,
  description: anyText.optional(),
  database: databaseSchema,
  schemas: list(schemaName).min(1),
  protectedTables: list(tablePattern).optional(),
  grantMode: oneOf(['auto', 'roles', 'direct']).optional(),
  kill: oneOf(['kill', 'rds_kill']).optional(),
  approvalChannel: channelId.optional(),
  breakGlass: bool.optional(),
  defaults: defaultsSchema.optional(),
  tiers: strict({ READ: tierSchema.optional(), DML: tierSchema.optional(), DDL: tierSchema.optional() }),
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
  const database = raw.database;
  return {
    name: raw.name,
    description: raw.description ?? '',
    database: {
      host: database.host ?? '127.0.0.1',
      port: database.port ?? 3306,
      adminUser: database.adminUser,
      adminPassword: database.adminPassword ?? '',
      ...(database.socketPath === undefined ? {} : { socketPath: database.socketPath }),
      tls: database.tls ?? false,
    },
    schemas: [...new Set(raw.schemas)],
    protectedTables: [...new Set(raw.protectedTables ?? [])],
    grantMode: raw.grantMode ?? 'auto',
    kill: raw.kill ?? 'kill',
    ...(raw.approvalChannel === undefined ? {} : { approvalChannel: raw.approvalChannel }),
    policy: { name: raw.name, breakGlass: raw.breakGlass ?? false, tiers },
  };
});

const storeSchema = z.discriminatedUnion('kind', [
  strict({ kind: z.literal('dynalite'), path: text('expected a directory path').optional() }),
  strict({
    kind: z.literal('dynamodb'),
    table: text('expected a DynamoDB table name'),
    region: text('expected an AWS region such as eu-west-1').optional(),
    endpoint: text('expected a URL such as http://localhost:8000', /^https?:\/\/\S+$/).optional(),
  }),
]);

const directoryUserSchema = strict({
  id: slackUserId,
  email,
  name: text('expected a display name').optional(),
  groups: list(slackGroupId).optional(),
});

export const configSchema = strict({
  mode: oneOf(['local'], ' (aws mode is not available yet)').optional(),
  store: storeSchema.optional(),
  lifecycle: strict({
    warnBefore: duration.optional(),
    provisioningTimeout: duration.optional(),
    deadManGrace: duration.optional(),
  }).optional(),
  bastion: strict({ kind: oneOf(['local']), sourceNetwork: loopbackNetwork }).optional(),
  slack: strict({ command: slashCommand.optional() }).optional(),
  directory: strict({ users: list(directoryUserSchema).optional() }).optional(),
  targets: list(targetSchema).min(1),
})
  .superRefine((config, ctx) => {
    reportDuplicates(
      config.targets.map((t) => t.name),
      (i) => ['targets', i, 'name'],
      'target name',
      ctx,
    );
    const users = config.directory?.users ?? [];
    reportDuplicates(
      users.map((u) => u.id),
      (i) => ['directory', 'users', i, 'id'],
      'user id',
      ctx,
    );
    if (users.length === 0) return;
    config.targets.forEach((target, i) => {
      for (const [tier, policy] of Object.entries(target.policy.tiers)) {
        const problem = directoryQuorumProblem(policy, users);
        if (problem !== undefined)
          ctx.addIssue({ code: 'custom', path: ['targets', i, 'tiers', tier], message: problem });
      }
    });
  })
  .transform((config): DrawbridgeConfig => {
    const lifecycle = config.lifecycle ?? {};
    const bastion: BastionConfig =
      config.bastion === undefined
        ? { kind: 'local', sourceNetwork: '127.77.0.0/16', prefixLength: 16 }
        : { kind: 'local', ...config.bastion.sourceNetwork };
    const store = (
      config.store === undefined ? { kind: 'dynalite' } : withoutUndefined(config.store)
    ) as StoreConfig;
    return {
      mode: config.mode ?? 'local',
      store,
      lifecycle: {
        warnBeforeSeconds: lifecycle.warnBefore ?? DEFAULT_LIFECYCLE.warnBeforeSeconds,
        provisioningTimeoutSeconds:
          lifecycle.provisioningTimeout ?? DEFAULT_LIFECYCLE.provisioningTimeoutSeconds,
        deadManGraceSeconds: lifecycle.deadManGrace ?? DEFAULT_LIFECYCLE.deadManGraceSeconds,
      },
      bastion,
      slack: { command: config.slack?.command ?? '/bastion' },
      directory: {
        users: (config.directory?.users ?? []).map((u) => ({
          id: u.id,
          email: u.email,
          ...(u.name === undefined ? {} : { name: u.name }),
          groups: u.groups ?? [],
        })),
      },
      targets: config.targets,
    };
  });

function reportDuplicates(
  values: readonly string[],
  pathOf: (i: number) => (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const first = new Map<string, number>();
  values.forEach((value, i) => {
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: pathOf(i),
        message: `duplicate ${what} "${value}" (first at index ${earlier})`,
      });
  });
}

/** Drops keys whose value is undefined (zod's optional output), as exactOptionalPropertyTypes wants. */
function withoutUndefined(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
