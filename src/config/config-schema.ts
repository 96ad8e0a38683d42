/**
 * The shape of the config file as zod schemas, one per mode: the mode decides which driver kinds the
 * sections may name (config-sections.ts) and what a target's database needs (config-target.ts).
 */
import * as z from 'zod';
import type { LifecycleTimings } from '../domain/policy-types.js';
import { DEFAULT_SIGNING_KEY_FILE, digestSchema, historySchemaFor } from './config-evidence.js';
import { directoryQuorumProblem } from './config-policy.js';
import { type Mode, sectionSchemas } from './config-sections.js';
import { targetSchemaFor } from './config-target.js';
import type { BastionConfig, DrawbridgeConfig, RunsConfig, StoreConfig } from './config-types.js';
import {
  duration,
  email,
  oneOf,
  refused,
  required,
  slackGroupId,
  slackUserId,
  slashCommand,
  strict,
  text,
  wholeNumber,
} from './config-values.js';

export const DEFAULT_LIFECYCLE: LifecycleTimings = {
  warnBeforeSeconds: 600,
  provisioningTimeoutSeconds: 300,
  deadManGraceSeconds: 900,
};

/**
 * In AWS mode provisioning waits for an EC2 bastion (up to bastion.readyTimeout) before it creates the
 * account, so its timeout defaults to that wait plus this margin instead of the local 5m.
 */
export const AWS_PROVISIONING_MARGIN_SECONDS = 300;

const list = <T extends z.ZodType>(item: T) => z.array(item);

const directoryUserSchema = strict({
  id: slackUserId,
  email,
  name: text('expected a display name').optional(),
  groups: list(slackGroupId).optional(),
});

const lifecycleSchema = strict({
  warnBefore: duration.optional(),
  provisioningTimeout: duration.optional(),
  deadManGrace: duration.optional(),
});

const localDirectory = strict({ users: list(directoryUserSchema).optional() });

/** The whole config for `mode`; parseConfig picks the mode from the file before parsing. */
export function configSchemaFor(mode: Mode) {
  return mode === 'aws' ? AWS_SCHEMA : LOCAL_SCHEMA;
}

function buildSchema(mode: Mode) {
  return strict({
    mode: oneOf(['local', 'aws']).optional(),
    ...sectionSchemas(mode),
    lifecycle: lifecycleSchema.optional(),
    slack: strict({ command: slashCommand.optional() }).optional(),
    directory:
      mode === 'aws'
        ? refused('needs mode: local; in mode: aws Slack is the directory').optional()
        : localDirectory.optional(),
    targets: list(targetSchemaFor(mode)).min(1),
    digest: digestSchema.optional(),
    runs: strict({
      sourceNetwork: text(
        'expected the worker subnets as a MySQL host with a netmask, e.g. 10.0.0.0/255.255.0.0',
        /^\d{1,3}(\.\d{1,3}){3}\/\d{1,3}(\.\d{1,3}){3}$/,
      ).optional(),
      s3: strict({
        bucket: text(
          'expected the exports bucket name (the stack output ExportBucketName)',
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        ),
        overMegabytes: wholeNumber(1, 1_000).optional(),
        kmsKeyId: text('expected a KMS key id or ARN').optional(),
      }).optional(),
    }).optional(),
    history:
      mode === 'aws'
        ? required(
            historySchemaFor(mode),
            "mode: aws signs each history with the stack's KMS key: history: { signing: { kind: kms, keyId: … } }",
          )
        : historySchemaFor(mode).optional(),
  })
    .superRefine((config, ctx) => {
      reportDuplicates(
        config.targets.map((t) => t.name),
        (i) => ['targets', i, 'name'],
        'target name',
        ctx,
      );
      const ready = config.bastion?.kind === 'ec2' ? config.bastion.readyTimeoutSeconds : undefined;
      const provisioning = config.lifecycle?.provisioningTimeout;
      if (ready !== undefined && provisioning !== undefined && provisioning <= ready) {
        ctx.addIssue({
          code: 'custom',
          path: ['lifecycle', 'provisioningTimeout'],
          message: `must be longer than bastion.readyTimeout (${ready}s), since provisioning waits for the bastion first`,
        });
      }
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
      const bastion: BastionConfig = config.bastion ?? {
        kind: 'local',
        sourceNetwork: '127.77.0.0/16',
        prefixLength: 16,
      };
      const awsSection = config.aws;
      const store = (
        config.store === undefined ? { kind: 'dynalite' } : withoutUndefined(config.store)
      ) as StoreConfig;
      // The table lives in the deployment's region unless the file says otherwise.
      if (store.kind === 'dynamodb' && store.region === undefined && awsSection !== undefined) {
        store.region = awsSection.region;
      }
      const provisioningDefault =
        bastion.kind === 'ec2'
          ? bastion.readyTimeoutSeconds + AWS_PROVISIONING_MARGIN_SECONDS
          : DEFAULT_LIFECYCLE.provisioningTimeoutSeconds;
      return {
        mode,
        store,
        lifecycle: {
          warnBeforeSeconds: lifecycle.warnBefore ?? DEFAULT_LIFECYCLE.warnBeforeSeconds,
          provisioningTimeoutSeconds: lifecycle.provisioningTimeout ?? provisioningDefault,
          deadManGraceSeconds: lifecycle.deadManGrace ?? DEFAULT_LIFECYCLE.deadManGraceSeconds,
        },
        bastion,
        scheduler: config.scheduler ?? { kind: 'local' },
        queue: config.queue ?? { kind: 'in-process' },
        ...(awsSection === undefined
          ? {}
          : {
              aws: {
                region: awsSection.region,
                deployment: awsSection.deployment ?? (store.kind === 'dynamodb' ? store.table : 'drawbridge'),
                parameters: awsSection.parameters,
              },
            }),
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
        ...(config.digest === undefined ? {} : { digest: config.digest }),
        ...(config.runs === undefined ? {} : { runs: runsConfig(config.runs) }),
        history: config.history ?? { signing: { kind: 'key-file', path: DEFAULT_SIGNING_KEY_FILE } },
      };
    });
}

const LOCAL_SCHEMA = buildSchema('local');
const AWS_SCHEMA = buildSchema('aws');

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

function runsConfig(raw: {
  sourceNetwork?: string | undefined;
  s3?: { bucket: string; overMegabytes?: number | undefined; kmsKeyId?: string | undefined } | undefined;
}): RunsConfig {
  return {
    ...(raw.sourceNetwork === undefined ? {} : { sourceNetwork: raw.sourceNetwork }),
    ...(raw.s3 === undefined
      ? {}
      : {
          s3: {
            bucket: raw.s3.bucket,
            overMegabytes: raw.s3.overMegabytes ?? 50,
            ...(raw.s3.kmsKeyId === undefined ? {} : { kmsKeyId: raw.s3.kmsKeyId }),
          },
        }),
  };
}

/** Drops keys whose value is undefined (zod's optional output), as exactOptionalPropertyTypes wants. */
function withoutUndefined(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
