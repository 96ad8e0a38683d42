/**
 * cdk-nag's AwsSolutions findings that stay, each acknowledged on the construct it concerns with the reason a
 * reviewer can check. Everything else the pack reports is fixed in the constructs themselves (the infra test
 * `cdk-nag.test.ts` runs the pack and fails on any finding not listed here).
 */
import { type CfnElement, type Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { DrawbridgeStack } from './drawbridge-stack.js';

interface Acknowledgement {
  on: IConstruct;
  id: string;
  reason: string;
}

/** An ARN as cdk-nag writes it in a finding id: pseudo parameters as `<AWS::…>`. */
function nagArn(
  stack: Stack,
  service: string,
  resource: string,
  options: { account?: boolean } = {},
): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account =
    options.account === false ? '' : Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}

const IAM5 = (target: string) => `AwsSolutions-IAM5[Resource::${target}]`;

export function reviewedFindings(stack: DrawbridgeStack): Acknowledgement[] {
  const { bastion, functions, scheduling, data } = stack;
  const instances = nagArn(stack, 'ec2', 'instance/*');
  const tableArn = `<${stack.getLogicalId(data.table.node.defaultChild as CfnElement)}.Arn>`;
  const schedules = nagArn(stack, 'scheduler', `schedule/${scheduling.groupName}/*`);
  const bothFunctions = [functions.slack, functions.worker];
  const bothRoles = bothFunctions.map((fn) => fn.role as IConstruct);
  return [
    {
      on: bastion.role,
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        "AmazonSSMManagedInstanceCore is AWS's maintained minimum for the SSM agent (Session Manager); the role also denies every SSM parameter read, so a shell session cannot read the deployment's secrets.",
    },
    {
      on: bastion.role,
      id: IAM5(nagArn(stack, 'logs', 'log-group:*')),
      reason:
        'logs:DescribeLogGroups only (the agent checks that the session log group is encrypted): the action takes no resource narrower than the account’s log groups. Writing is limited to the session log group.',
    },
    {
      on: bastion.requesterPolicy,
      id: IAM5(instances),
      reason:
        'ssm:StartSession on instances only where the instance’s drawbridge:owner tag equals the caller’s own principal tag (a condition in the same statement): bastions are made per request, so no instance id is known in advance.',
    },
    {
      on: bastion.requesterPolicy,
      id: IAM5(nagArn(stack, 'ssm', 'session/<aws:userid>-*')),
      reason:
        'Ending and resuming only the caller’s own sessions: Session Manager names each session after the caller’s user id.',
    },
    {
      on: bastion.requesterPolicy,
      id: IAM5('*'),
      reason:
        'ssm:DescribeSessions and ssm:DescribeInstanceInformation take no resource-level permissions; both are read-only.',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(instances),
      reason:
        'RunInstances, CreateTags and TerminateInstances on instances only with this deployment’s drawbridge:deployment tag and a drawbridge:request-id tag (conditions in the same statements), and IMDSv2: a bastion’s id is not known before it is launched.',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(nagArn(stack, 'ec2', 'volume/*')),
      reason:
        'The bastion’s root volume, created by RunInstances only with the deployment and request-id tags (conditions).',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(nagArn(stack, 'ec2', 'network-interface/*')),
      reason:
        'The bastion’s network interface, created by RunInstances only with the deployment and request-id tags (conditions).',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(nagArn(stack, 'ec2', 'image/*', { account: false })),
      reason:
        'RunInstances must be allowed on the image it boots; the AMI is the public Amazon Linux parameter’s current image (or one the config names), owned by Amazon, not known at deploy time.',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(nagArn(stack, 'ssm', 'parameter/aws/service/ami-amazon-linux-latest/*', { account: false })),
      reason:
        'AWS’s public, read-only Amazon Linux AMI parameters (no secret): the worker reads the current AMI id.',
    },
    ...bothRoles.flatMap((role) => [
      {
        on: role,
        id: IAM5('*'),
        reason:
          'Read-only describes that take no resource-level permissions (ec2:DescribeInstances, ec2:DescribeImages, ssm:DescribeInstanceInformation for the worker) and the network interfaces Lambda manages in the VPC, which do not exist before Lambda makes them.',
      },
      {
        on: role,
        id: IAM5(`${tableArn}/index/*`),
        reason:
          'The request table’s two indexes (byRequester, byState), both queried by the store; nothing outside this table.',
      },
      {
        on: role,
        id: IAM5(schedules),
        reason:
          'Schedules of this deployment’s own group only: each is named after a request id (drawbridge-<request id>-<kind>), created at run time.',
      },
    ]),
    ...stack.auditLogGroups.map((group) => ({
      on: functions.worker.role as IConstruct,
      id: IAM5(nagArn(stack, 'logs', `log-group:${group}:*`)),
      reason:
        'logs:FilterLogEvents on one Aurora audit log group the props name: `:*` is the group’s log streams (one per DB instance, named by RDS), read only.',
    })),
    ...bothFunctions.map((fn) => ({
      on: fn as IConstruct,
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the bundles are built and tested for (esbuild target node22, Node 20+ locally); the runtime moves with the code, not ahead of it.',
    })),
    {
      on: data.exports,
      id: 'AwsSolutions-S1',
      reason:
        'Run exports live a day at most and are read only through presigned links the worker makes for the requester; each run is recorded in the request history, which names the object. A log bucket of its own would keep more than the exports themselves.',
    },
    {
      on: functions.worker.role as IConstruct,
      id: IAM5(`<${stack.getLogicalId(data.exports.node.defaultChild as CfnElement)}.Arn>/exports/*`),
      reason:
        'The exports prefix of the stack’s own bucket: one object per run, named after its request id at run time.',
    },
    {
      on: scheduling.deadLetterQueue,
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the schedules’ invocations; a dead-letter queue of its own would only move the problem.',
    },
  ];
}

/** Records every reviewed finding on its construct (read by cdk-nag when its pack runs; inert otherwise). */
export function acknowledgeReviewedFindings(stack: DrawbridgeStack): void {
  for (const { on, id, reason } of reviewedFindings(stack)) Validations.of(on).acknowledge({ id, reason });
}
