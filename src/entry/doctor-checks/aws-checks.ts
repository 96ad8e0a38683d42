/**
 * The AWS checks: who we are, that each named SSM parameter exists (values are never read), that the bastion
 * launch Drawbridge makes is allowed (a DryRun of the very same RunInstances request), and that the schedule
 * group and the worker function exist. Nothing is created or changed.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  RunInstancesCommand,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleGroupCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  DecodeAuthorizationMessageCommand,
  GetCallerIdentityCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import { AmiResolver } from '../../adapters/aws/ami-resolver.js';
import { type BastionImage, runInstancesInput } from '../../adapters/aws/ec2-launch-input.js';
import type { DrawbridgeConfig, Ec2BastionConfig } from '../../config/config-types.js';
import { check, type DoctorCheck, messageOf } from './check.js';

export interface AwsClients {
  sts: STSClient;
  ec2: EC2Client;
  ssm: SSMClient;
  scheduler: SchedulerClient;
  lambda: LambdaClient;
}

const ACCESS_DENIED = ['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation'];
const NOT_FOUND = ['ParameterNotFound', 'ResourceNotFoundException'];

const nameOf = (error: unknown) => (error instanceof Error ? error.name : '');

export async function awsChecks(
  config: DrawbridgeConfig,
  aws: AwsClients | undefined,
): Promise<DoctorCheck[]> {
  if (config.mode !== 'aws') return [check('aws', 'skip', 'mode: local has no AWS checks')];
  if (aws === undefined) return [check('aws', 'skip', 'no AWS clients were given')];
  const region = config.aws?.region ?? '(no region)';

  const identity = await identityCheck(aws.sts);
  const checks = [
    ...parameterNames(config).map(([name]) => `aws: SSM parameter ${name}`),
    ...(config.bastion.kind === 'ec2'
      ? config.bastion.subnets.map((s) => `aws: bastion launch in ${s}`)
      : []),
    ...(config.scheduler.kind === 'eventbridge' ? [`aws: schedule group ${config.scheduler.group}`] : []),
    ...functionRefs(config).map(([, what]) => `aws: ${what}`),
  ];
  if (identity.status !== 'ok') {
    return [
      identity,
      ...checks.map((name) => check(name, 'skip', 'needs a working AWS identity (see aws: identity)')),
    ];
  }
  const parameters = await Promise.all(
    parameterNames(config).map(([name, use]) => parameterCheck(aws.ssm, name, use, region)),
  );
  const launches =
    config.bastion.kind === 'ec2'
      ? await launchChecks(aws, config.bastion, config.aws?.deployment ?? 'drawbridge', region)
      : [];
  const group =
    config.scheduler.kind === 'eventbridge'
      ? [await groupCheck(aws.scheduler, config.scheduler.group, region)]
      : [];
  const functions = await Promise.all(
    functionRefs(config).map(([ref, what]) => functionCheck(aws.lambda, ref, what, region)),
  );
  return [identity, ...parameters, ...launches, ...group, ...functions];
}

async function identityCheck(sts: STSClient): Promise<DoctorCheck> {
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    return check('aws: identity', 'ok', `account ${me.Account ?? '?'} as ${me.Arn ?? '?'}`);
  } catch (error) {
    return check(
      'aws: identity',
      'fail',
      `GetCallerIdentity failed (no or expired credentials?): ${messageOf(error)}`,
    );
  }
}

/** Every SSM parameter the config names, with what it is for. */
function parameterNames(config: DrawbridgeConfig): [string, string][] {
  const names: [string, string][] = [];
  if (config.aws) {
    names.push([config.aws.parameters.slackSigningSecret, 'aws.parameters.slackSigningSecret']);
    names.push([config.aws.parameters.slackBotToken, 'aws.parameters.slackBotToken']);
  }
  for (const t of config.targets) {
    if (t.database.adminPasswordParameter) {
      names.push([t.database.adminPasswordParameter, `the admin password of target ${t.name}`]);
    }
  }
  return names;
}

/** Existence and type only: WithDecryption is off, so not even the ciphertext's plaintext is fetched. */
async function parameterCheck(
  ssm: SSMClient,
  name: string,
  use: string,
  region: string,
): Promise<DoctorCheck> {
  const title = `aws: SSM parameter ${name}`;
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    const type = out.Parameter?.Type ?? 'unknown type';
    if (type !== 'SecureString') {
      return check(title, 'warn', `exists for ${use}, but is a ${type}: secrets belong in a SecureString`);
    }
    return check(title, 'ok', `SecureString for ${use} (version ${out.Parameter?.Version ?? '?'})`);
  } catch (error) {
    if (nameOf(error) === 'ParameterNotFound') {
      return check(
        title,
        'fail',
        `parameter ${name} (${use}) does not exist in ${region}: create it with aws ssm put-parameter --type SecureString --name ${name} --value …`,
      );
    }
    return check(title, 'fail', failure(error, 'ssm:GetParameter', name));
  }
}

/**
 * The AMI is resolved as the adapter does, then RunInstances is sent with DryRun in each subnet:
 * EC2 answers DryRunOperation when every permission (ec2:RunInstances on each resource, ec2:CreateTags,
 * iam:PassRole for the instance profile) and parameter would pass.
 */
async function launchChecks(
  aws: AwsClients,
  bastion: Ec2BastionConfig,
  deployment: string,
  region: string,
): Promise<DoctorCheck[]> {
  const titles = bastion.subnets.map((s) => `aws: bastion launch in ${s}`);
  const network = await networkProblems(aws.ec2, bastion, region);
  let image: BastionImage;
  try {
    image = await new AmiResolver(aws.ssm, aws.ec2, bastion.ami).resolve();
  } catch (error) {
    const why = `cannot resolve the bastion AMI ${bastion.ami} (ssm:GetParameter, ec2:DescribeImages): ${messageOf(error)}`;
    return titles.map((t) => check(t, 'fail', why));
  }
  const imageId = image.imageId;
  const spec = {
    requestId: 'drawbridge-doctor-dry-run',
    target: 'doctor',
    owner: 'doctor',
    expiresAt: new Date(Date.now() + 3_600_000),
    shutdownAfterSeconds: 3_600,
  };
  return Promise.all(
    bastion.subnets.map(async (subnet, i): Promise<DoctorCheck> => {
      const title = titles[i] as string;
      const problem = network.get(subnet);
      if (problem !== undefined) return check(title, 'fail', problem);
      const input = { ...runInstancesInput(bastion, spec, image, subnet, deployment), DryRun: true };
      try {
        await aws.ec2.send(new RunInstancesCommand(input));
        return check(
          title,
          'fail',
          'RunInstances answered without DryRunOperation: check that nothing was launched',
        );
      } catch (error) {
        if (nameOf(error) === 'DryRunOperation') {
          return check(
            title,
            'ok',
            `allowed (dry run): ${imageId}, ${bastion.instanceType}, ${bastion.securityGroup}, profile ${bastion.instanceProfile}`,
          );
        }
        if (nameOf(error) === 'UnauthorizedOperation') {
          return check(title, 'fail', await unauthorized(aws.sts, error));
        }
        return check(title, 'fail', `${nameOf(error) || 'error'}: ${messageOf(error)}`);
      }
    }),
  );
}

/**
 * What is wrong with each bastion subnet before any launch is tried: it does not exist in the region, or it
 * is in another VPC than the bastion security group (EC2 refuses both; a dry run does not always say which).
 * A subnet or group that cannot be described (no permission) is left to the dry run.
 */
async function networkProblems(
  ec2: EC2Client,
  bastion: Ec2BastionConfig,
  region: string,
): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  const vpcOfSubnet = new Map<string, string>();
  for (const subnet of bastion.subnets) {
    const found = await describeSubnet(ec2, subnet);
    if (found === 'missing') {
      problems.set(
        subnet,
        `subnet ${subnet} (bastion.subnets) does not exist in ${region}: name private subnets of the VPC the databases are in`,
      );
    } else if (found?.VpcId !== undefined) vpcOfSubnet.set(subnet, found.VpcId);
  }
  let groupVpc: string | undefined;
  try {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [bastion.securityGroup] }));
    groupVpc = out?.SecurityGroups?.find((g) => g.GroupId === bastion.securityGroup)?.VpcId;
  } catch {
    // Missing or not allowed: the dry run reports it.
  }
  for (const [subnet, vpc] of vpcOfSubnet) {
    if (groupVpc !== undefined && vpc !== groupVpc) {
      problems.set(
        subnet,
        `subnet ${subnet} (bastion.subnets) is in ${vpc}, but the bastion security group ${bastion.securityGroup} is in ${groupVpc}: both must be in the databases' VPC`,
      );
    }
  }
  return problems;
}

/** The subnet, `missing` when EC2 does not know it, undefined when it cannot be described (left to the dry run). */
async function describeSubnet(ec2: EC2Client, subnet: string): Promise<Subnet | 'missing' | undefined> {
  try {
    const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }));
    if (!out) return undefined;
    return out.Subnets?.find((s) => s.SubnetId === subnet) ?? 'missing';
  } catch (error) {
    return nameOf(error).startsWith('InvalidSubnetID.') ? 'missing' : undefined;
  }
}

/**
 * Names the permission EC2 refused: from the encoded authorization message when STS may decode it
 * (sts:DecodeAuthorizationMessage), else from the message text, else RunInstances itself.
 */
async function unauthorized(sts: STSClient, error: unknown): Promise<string> {
  const text = messageOf(error);
  const encoded = /Encoded authorization failure message:\s*(\S+)/.exec(text)?.[1];
  if (encoded !== undefined) {
    try {
      const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
      const context = (
        JSON.parse(out.DecodedMessage ?? '{}') as { context?: { action?: string; resource?: string } }
      ).context;
      if (context?.action)
        return `not allowed: ${context.action}${context.resource ? ` on ${context.resource}` : ''}`;
    } catch {
      // Decoding needs its own permission; fall back to the plain message.
    }
  }
  const plain = /not authorized to perform:\s*(\S+?)(?:\s+on resource:\s*(\S+?))?(?:\s|$)/.exec(text);
  if (plain?.[1] !== undefined) return `not allowed: ${plain[1]}${plain[2] ? ` on ${plain[2]}` : ''}`;
  return 'not allowed: ec2:RunInstances (or iam:PassRole for the instance profile, or ec2:CreateTags)';
}

async function groupCheck(scheduler: SchedulerClient, group: string, region: string): Promise<DoctorCheck> {
  const title = `aws: schedule group ${group}`;
  try {
    const out = await scheduler.send(new GetScheduleGroupCommand({ Name: group }));
    return check(title, out.State === 'ACTIVE' ? 'ok' : 'fail', `state ${out.State ?? 'unknown'}`);
  } catch (error) {
    if (NOT_FOUND.includes(nameOf(error)))
      return check(
        title,
        'fail',
        `schedule group ${group} does not exist in ${region}: deploy infra/ (it makes the group), or aws scheduler create-schedule-group --name ${group}`,
      );
    return check(title, 'fail', failure(error, 'scheduler:GetScheduleGroup', group));
  }
}

/** The queue's function, and the scheduler's target when it names another one. */
function functionRefs(config: DrawbridgeConfig): [string, string][] {
  const refs: [string, string][] = [];
  if (config.queue.kind === 'lambda')
    refs.push([config.queue.functionName, `worker function ${config.queue.functionName}`]);
  if (config.scheduler.kind === 'eventbridge') {
    const target = config.scheduler.targetArn;
    const same = refs.some(([ref]) => functionName(ref) === functionName(target));
    if (!same) refs.push([target, `scheduler target ${target}`]);
  }
  return refs;
}

const functionName = (ref: string) => ref.replace(/^.*:function:/, '').replace(/:.*$/, '');

async function functionCheck(
  lambda: LambdaClient,
  ref: string,
  what: string,
  region: string,
): Promise<DoctorCheck> {
  const title = `aws: ${what}`;
  try {
    const out = await lambda.send(new GetFunctionCommand({ FunctionName: ref }));
    const state = out.Configuration?.State ?? 'unknown';
    const detail = `${out.Configuration?.Runtime ?? 'runtime ?'}, state ${state}`;
    if (state === 'Failed' || state === 'Inactive') return check(title, 'fail', detail);
    return check(title, state === 'Active' ? 'ok' : 'warn', detail);
  } catch (error) {
    if (NOT_FOUND.includes(nameOf(error)))
      return check(title, 'fail', `function ${ref} does not exist in ${region}`);
    return check(title, 'fail', failure(error, 'lambda:GetFunction', ref));
  }
}

function failure(error: unknown, action: string, resource: string): string {
  if (ACCESS_DENIED.includes(nameOf(error))) return `not allowed: ${action} on ${resource}`;
  return `${nameOf(error) || 'error'}: ${messageOf(error)}`;
}
