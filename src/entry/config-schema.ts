/**
 * The shape of the config file as zod schemas. Each target's `defaults` and `tiers` are resolved here into
 * the domain's TargetPolicy (built-in defaults ← target defaults ← tier), then checked as a whole.
 */
import * as z from 'zod';
import type { TierPolicy } from '../domain/policy-types.js';
import { DEFAULT_TIER_PRIVILEGES } from '../domain/tiers.js';
import { TIERS, type Tier } from '../domain/types.js';
import type { DrawbridgeConfig, StoreConfig, TargetConfig } from './config-types.js';
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

/** What a tier gets for anything neither the tier nor the target's `defaults` says. */
export const BUILT_IN_TIER_DEFAULTS: Omit<TierPolicy, 'privileges'> = {
  approvers: [],
  approvalsRequired: 1,
  maxDurationSeconds: 3_600,
  approvalTimeoutSeconds: 1_800,
  requireReason: true,
  requireTicket: false,
  autoApprove: false,
  extension: { maxCount: 2, maxTotalSeconds: 7_200, autoApprove: false },
};

export const DEFAULT_LIFECYCLE = { warnBefore: 600, provisioningTimeout: 300, deadManGrace: 900 };

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
type PolicyInput = z.output<typeof defaultsSchema>;
type TierInput = z.output<typeof tierSchema>;

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
    ctx.addIssue({ code: 'custom', message: `offer at least one tier: ${TIERS.join(', ')}`, path: ['tiers'] });
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

function resolveTier(tier: Tier, defaults: PolicyInput, own: TierInput): TierPolicy {
  const base = BUILT_IN_TIER_DEFAULTS;
  const pick = <K extends keyof PolicyInput>(key: K) => own[key] ?? defaults[key];
  return {
    approvers: [...new Set(pick('approvers') ?? base.approvers)],
    approvalsRequired: pick('approvalsRequired') ?? base.approvalsRequired,
    maxDurationSeconds: pick('maxDuration') ?? base.maxDurationSeconds,
    approvalTimeoutSeconds: pick('approvalTimeout') ?? base.approvalTimeoutSeconds,
    requireReason: pick('requireReason') ?? base.requireReason,
    requireTicket: pick('requireTicket') ?? base.requireTicket,
    autoApprove: pick('autoApprove') ?? base.autoApprove,
    extension: {
      maxCount: own.extension?.maxCount ?? defaults.extension?.maxCount ?? base.extension.maxCount,
      maxTotalSeconds: own.extension?.maxTotal ?? defaults.extension?.maxTotal ?? base.extension.maxTotalSeconds,
      autoApprove: own.extension?.autoApprove ?? defaults.extension?.autoApprove ?? base.extension.autoApprove,
    },
    privileges: [...new Set(own.privileges ?? DEFAULT_TIER_PRIVILEGES[tier])],
  };
}

/**
 * A quorum nobody can reach is a configuration mistake. User ids count one each; a user group may hold any
 * number of people, so a tier with a group passes here (the directory check below counts its members when
 * the config has a directory).
 */
function quorumProblem(policy: TierPolicy): string | undefined {
  if (policy.autoApprove) return undefined;
  if (policy.approvers.length === 0) {
    return 'no approvers: list approvers (Slack user or user-group ids) or set autoApprove: true';
  }
  if (policy.approvers.some((id) => id.startsWith('S'))) return undefined;
  if (policy.approvers.length >= policy.approvalsRequired) return undefined;
  return `${policy.approvalsRequired} approvals are required but only ${policy.approvers.length} approver${
    policy.approvers.length === 1 ? ' is' : 's are'
  } listed; list more approvers or lower approvalsRequired`;
}

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
    if (users.length > 0) checkQuorumsAgainstDirectory(config.targets, users, ctx);
  })
  .transform((config): DrawbridgeConfig => {
    const lifecycle = { ...DEFAULT_LIFECYCLE, ...config.lifecycle };
    const bastion = config.bastion ?? { kind: 'local', sourceNetwork: '127.77.0.0/16', prefixLength: 16 };
    const store: StoreConfig = config.store ?? { kind: 'dynalite' };
    return {
      mode: config.mode ?? 'local',
      store: withoutUndefined(store),
      lifecycle: {
        warnBeforeSeconds: lifecycle.warnBefore,
        provisioningTimeoutSeconds: lifecycle.provisioningTimeout,
        deadManGraceSeconds: lifecycle.deadManGrace,
      },
      bastion:
        'kind' in bastion && 'prefixLength' in bastion
          ? bastion
          : { kind: 'local', ...bastion.sourceNetwork },
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
    else ctx.addIssue({ code: 'custom', path: pathOf(i), message: `duplicate ${what} "${value}" (first at index ${earlier})` });
  });
}

/** With a directory, a group's members are known, so a quorum can be checked in people rather than entries. */
function checkQuorumsAgainstDirectory(
  targets: readonly TargetConfig[],
  users: readonly { id: string; groups?: string[] | undefined }[],
  ctx: z.RefinementCtx,
): void {
  targets.forEach((target, i) => {
    for (const [tier, policy] of Object.entries(target.policy.tiers)) {
      if (policy.autoApprove || !policy.approvers.some((id) => id.startsWith('S'))) continue;
      const people = new Set(policy.approvers.filter((id) => !id.startsWith('S')));
      for (const user of users) {
        if (user.groups?.some((g) => policy.approvers.includes(g))) people.add(user.id);
      }
      if (people.size < policy.approvalsRequired) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'tiers', tier],
          message: `${policy.approvalsRequired} approvals are required but the approvers (${policy.approvers.join(
            ', ',
          )}) hold ${people.size} ${people.size === 1 ? 'person' : 'people'} in the directory; add approvers or lower approvalsRequired`,
        });
      }
    }
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
