/**
 * The driver sections of the config — store, bastion, scheduler, queue, aws — as zod schemas for one mode.
 * Each section names its driver `kind`; the mode decides which kinds are allowed, so a kind of the other
 * mode is refused with a message that names the mode it needs instead of a bare "expected one of".
 */
import * as z from 'zod';
import {
  amiReference,
  awsRegion,
  iamRoleArn,
  instanceProfile,
  instanceType,
  lambdaFunctionArn,
  lambdaFunctionName,
  scheduleGroupName,
  securityGroupId,
  sqsQueueArn,
  ssmParameterName,
  subnetId,
} from './config-aws-values.js';
import type {
  AwsConfig,
  BastionConfig,
  DrawbridgeConfig,
  Ec2BastionConfig,
  QueueConfig,
  SchedulerConfig,
} from './config-types.js';
import {
  didYouMean,
  durationWithin,
  loopbackNetwork,
  refused,
  required,
  strict,
  text,
  wholeNumber,
} from './config-values.js';

export type Mode = DrawbridgeConfig['mode'];
export const MODES: readonly Mode[] = ['local', 'aws'];

/** The defaults the brief fixes for AWS drivers. */
export const EC2_DEFAULTS = {
  instanceType: 't3.micro',
  ami: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  readyTimeoutSeconds: 600,
  localPort: 13_306,
  /** What infra/ names it for its default stack name, `Drawbridge`. */
  portForwardingDocument: 'Drawbridge-PortForwardToDatabase',
} as const;
export const EVENTBRIDGE_DEFAULTS = {
  group: 'drawbridge',
  maximumRetryAttempts: 3,
  maximumEventAgeSeconds: 3_600,
} as const;

const list = <T extends z.ZodType>(item: T) => z.array(item);

interface KindOption {
  kind: string;
  modes: readonly Mode[];
  /** A strict object with `kind: z.literal(kind)`, possibly transformed. */
  schema: z.ZodType;
}

/**
 * A `kind`-discriminated section for `mode`. An option of another mode still matches its kind (so its other
 * keys are not reported one by one) but fails with "<kind> needs mode: <other>".
 */
export function kindUnion<const O extends readonly KindOption[]>(
  section: string,
  mode: Mode,
  options: O,
): z.ZodType<z.output<O[number]['schema']>> {
  const allowed = options.filter((o) => o.modes.includes(mode)).map((o) => o.kind);
  const expected = `expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}`;
  const all = options.map((o) => o.kind);
  const schemas = options.map((o) => {
    if (o.modes.includes(mode)) return o.schema;
    const instead = mode === 'aws' ? `; mode: aws needs ${section}.kind: ${allowed.join(' or ')}` : '';
    const message = `${o.kind} needs mode: ${o.modes.join(' or ')}${instead}`;
    const wrongMode = z.literal(o.kind).transform((_kind, ctx): never => {
      ctx.addIssue({ code: 'custom', message, params: { got: false } });
      return z.NEVER;
    });
    return z.looseObject({ kind: wrongMode });
  });
  const union = z.discriminatedUnion('kind', schemas as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      const guess = typeof kind === 'string' ? didYouMean(kind, all) : undefined;
      return guess === undefined ? expected : `${expected} (did you mean ${guess}?)`;
    },
  });
  return union as unknown as z.ZodType<z.output<O[number]['schema']>>;
}

const dynalite = strict({ kind: z.literal('dynalite'), path: text('expected a directory path').optional() });
const dynamodb = strict({
  kind: z.literal('dynamodb'),
  table: text('expected a DynamoDB table name'),
  region: text('expected an AWS region such as eu-west-1').optional(),
  endpoint: text('expected a URL such as http://localhost:8000', /^https?:\/\/\S+$/).optional(),
});

const localBastion = strict({ kind: z.literal('local'), sourceNetwork: loopbackNetwork }).transform(
  (raw) => ({ kind: 'local' as const, ...raw.sourceNetwork }),
);

const ec2Bastion = strict({
  kind: z.literal('ec2'),
  subnets: list(subnetId).min(1),
  securityGroup: securityGroupId,
  instanceProfile,
  instanceType: instanceType.optional(),
  ami: amiReference.optional(),
  readyTimeout: durationWithin(60, 3_600).optional(),
  localPort: wholeNumber(1_024, 65_535).optional(),
  portForwardingDocument: text(
    'expected an SSM document name: letters, digits, "-", "_" or ".", 3 to 128 characters',
    /^[A-Za-z0-9_.-]{3,128}$/,
  ).optional(),
}).transform((raw): Ec2BastionConfig => {
  return {
    kind: 'ec2',
    subnets: raw.subnets,
    securityGroup: raw.securityGroup,
    instanceProfile: raw.instanceProfile,
    instanceType: raw.instanceType ?? EC2_DEFAULTS.instanceType,
    ami: raw.ami ?? EC2_DEFAULTS.ami,
    readyTimeoutSeconds: raw.readyTimeout ?? EC2_DEFAULTS.readyTimeoutSeconds,
    localPort: raw.localPort ?? EC2_DEFAULTS.localPort,
    portForwardingDocument: raw.portForwardingDocument ?? EC2_DEFAULTS.portForwardingDocument,
  };
});

const localScheduler = strict({ kind: z.literal('local') });
const eventBridgeScheduler = strict({
  kind: z.literal('eventbridge'),
  group: scheduleGroupName.optional(),
  targetArn: lambdaFunctionArn,
  roleArn: iamRoleArn,
  deadLetterArn: sqsQueueArn.optional(),
  maximumRetryAttempts: wholeNumber(0, 185).optional(),
  maximumEventAge: durationWithin(60, 86_400).optional(),
}).transform(
  (raw): SchedulerConfig => ({
    kind: 'eventbridge',
    group: raw.group ?? EVENTBRIDGE_DEFAULTS.group,
    targetArn: raw.targetArn,
    roleArn: raw.roleArn,
    ...(raw.deadLetterArn === undefined ? {} : { deadLetterArn: raw.deadLetterArn }),
    maximumRetryAttempts: raw.maximumRetryAttempts ?? EVENTBRIDGE_DEFAULTS.maximumRetryAttempts,
    maximumEventAgeSeconds: raw.maximumEventAge ?? EVENTBRIDGE_DEFAULTS.maximumEventAgeSeconds,
  }),
);

const inProcessQueue = strict({ kind: z.literal('in-process') });
const lambdaQueue = strict({ kind: z.literal('lambda'), functionName: lambdaFunctionName });

const awsSection = strict({
  region: awsRegion,
  deployment: text(
    'expected a deployment name: letters, digits, "-", "_" or ".", at most 64 characters',
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  ).optional(),
  parameters: strict({ slackSigningSecret: ssmParameterName, slackBotToken: ssmParameterName }),
});

export const LOCAL: readonly Mode[] = ['local'];
export const AWS: readonly Mode[] = ['aws'];
export const BOTH: readonly Mode[] = ['local', 'aws'];

type StoreSection =
  | { kind: 'dynalite'; path?: string | undefined }
  | { kind: 'dynamodb'; table: string; region?: string | undefined; endpoint?: string | undefined };

/** What the sections parse to; absent (undefined) where local mode fills the default. */
export interface SectionSchemas {
  store: z.ZodType<StoreSection | undefined>;
  bastion: z.ZodType<BastionConfig | undefined>;
  scheduler: z.ZodType<SchedulerConfig | undefined>;
  queue: z.ZodType<QueueConfig | undefined>;
  aws: z.ZodType<AwsSection | undefined>;
}

/** The aws section as written: `deployment` defaults to the store's table name once the store is known. */
export type AwsSection = Omit<AwsConfig, 'deployment'> & { deployment?: string | undefined };

/**
 * The sections' schemas for `mode`. Local mode defaults every section (absent means the local driver);
 * AWS mode requires them all, since nothing about an AWS account can be guessed.
 */
export function sectionSchemas(mode: Mode): SectionSchemas {
  const store = kindUnion('store', mode, [
    { kind: 'dynalite', modes: LOCAL, schema: dynalite },
    { kind: 'dynamodb', modes: BOTH, schema: dynamodb },
  ]);
  const bastion = kindUnion('bastion', mode, [
    { kind: 'local', modes: LOCAL, schema: localBastion },
    { kind: 'ec2', modes: AWS, schema: ec2Bastion },
  ]);
  const scheduler = kindUnion('scheduler', mode, [
    { kind: 'local', modes: LOCAL, schema: localScheduler },
    { kind: 'eventbridge', modes: AWS, schema: eventBridgeScheduler },
  ]);
  const queue = kindUnion('queue', mode, [
    { kind: 'in-process', modes: LOCAL, schema: inProcessQueue },
    { kind: 'lambda', modes: AWS, schema: lambdaQueue },
  ]);
  if (mode === 'local') {
    return {
      store: store.optional(),
      bastion: bastion.optional(),
      scheduler: scheduler.optional(),
      queue: queue.optional(),
      aws: refused('needs mode: aws').optional(),
    };
  }
  return {
    store: required(store, 'mode: aws needs store: { kind: dynamodb, table: … }'),
    bastion: required(bastion, 'mode: aws needs bastion: { kind: ec2, subnets: …, … }'),
    scheduler: required(
      scheduler,
      'mode: aws needs scheduler: { kind: eventbridge, targetArn: …, roleArn: … }',
    ),
    queue: required(queue, 'mode: aws needs queue: { kind: lambda, functionName: … }'),
    aws: required(
      awsSection,
      'mode: aws needs aws: { region: …, parameters: { slackSigningSecret: …, slackBotToken: … } }',
    ),
  };
}
