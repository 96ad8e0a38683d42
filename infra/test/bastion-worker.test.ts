// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${aws:userid}` and rendered references are IAM and CloudFormation text, not JavaScript.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { synthBastion } from './bastion-fixture.js';
import {
  type IamStatement,
  iamStatements,
  isReadOnlyAction,
  nameOf,
  statementsFor,
  wildcardActions,
  writesOnEveryResource,
} from './iam-statements.js';

const ARN = 'arn:${AWS::Partition}:ec2:eu-west-1:123456789012';
const TAG_KEYS = [
  'drawbridge:deployment',
  'drawbridge:request-id',
  'drawbridge:owner',
  'drawbridge:expires-at',
  'drawbridge:target',
  'Name',
];
const TAGGED = {
  StringLike: { 'aws:RequestTag/drawbridge:request-id': ['r-*'] },
  'ForAllValues:StringEquals': { 'aws:TagKeys': TAG_KEYS },
};
/** Every bastion the worker creates is tagged with this stack's name as its deployment. */
const OURS = { 'aws:RequestTag/drawbridge:deployment': ['Drawbridge'] };
/** Resources EC2 lets a policy tie to tags: the ones a bastion launch creates. */
const TAGGABLE = /:(instance|volume|network-interface)\/\*$/;
const REQUEST_ID_TAG_KEYS = ['aws:RequestTag/drawbridge:request-id', 'ec2:ResourceTag/drawbridge:request-id'];

/**
 * EC2 grants that change something without being tied to a Drawbridge bastion: any non-Describe ec2 action
 * on `*`, or on instances/volumes/interfaces without a request-id tag condition.
 */
function untiedEc2Mutations(statements: IamStatement[]): string[] {
  return statements
    .filter((s) => s.effect === 'Allow')
    .flatMap((s) => {
      const mutating = s.actions.filter((a) => a.startsWith('ec2:') && !isReadOnlyAction(a));
      const conditionKeys = Object.values(s.conditions).flatMap((entries) => Object.keys(entries));
      const tied = REQUEST_ID_TAG_KEYS.some((key) => conditionKeys.includes(key));
      const loose = s.resources.filter((r) => r === '*' || r.endsWith(':*') || (TAGGABLE.test(r) && !tied));
      return loose.length > 0 ? mutating.map((a) => `${nameOf(s)}: ${a} on ${loose.join(', ')}`) : [];
    });
}

describe('Bastion.grantControl', () => {
  it('gives the worker exactly the launch, watch, terminate, PassRole and AMI statements', () => {
    const fixture = synthBastion();
    const sgId = fixture.logicalId(fixture.bastion.securityGroup);
    const roleId = fixture.logicalId(fixture.bastion.role);

    const granted = statementsFor(fixture.template, fixture.logicalId(fixture.worker)).map((s) => ({
      effect: s.effect,
      actions: s.actions,
      resources: s.resources,
      conditions: s.conditions,
    }));
    expect(granted).toEqual([
      {
        effect: 'Allow',
        actions: ['ec2:RunInstances'],
        resources: [`${ARN}:instance/*`],
        conditions: { ...TAGGED, StringEquals: { ...OURS, 'ec2:MetadataHttpTokens': ['required'] } },
      },
      {
        effect: 'Allow',
        actions: ['ec2:RunInstances'],
        resources: [`${ARN}:volume/*`, `${ARN}:network-interface/*`],
        conditions: { ...TAGGED, StringEquals: OURS },
      },
      {
        effect: 'Allow',
        actions: ['ec2:RunInstances'],
        resources: [
          `${ARN}:subnet/subnet-0aaaaaaaaaaaaaaa1`,
          `${ARN}:subnet/subnet-0bbbbbbbbbbbbbbb2`,
          `${ARN}:security-group/\${${sgId}.GroupId}`,
          'arn:${AWS::Partition}:ec2:eu-west-1::image/*',
        ],
        conditions: {},
      },
      {
        effect: 'Allow',
        actions: ['ec2:CreateTags'],
        resources: [`${ARN}:instance/*`, `${ARN}:volume/*`, `${ARN}:network-interface/*`],
        conditions: { ...TAGGED, StringEquals: { ...OURS, 'ec2:CreateAction': ['RunInstances'] } },
      },
      {
        effect: 'Allow',
        actions: ['ec2:TerminateInstances'],
        resources: [`${ARN}:instance/*`],
        conditions: {
          StringLike: { 'ec2:ResourceTag/drawbridge:request-id': ['r-*'] },
          // Only this deployment's bastions: another Drawbridge in the account keeps its own.
          StringEquals: { 'ec2:ResourceTag/drawbridge:deployment': ['Drawbridge'] },
        },
      },
      {
        effect: 'Allow',
        actions: ['ec2:DescribeInstances', 'ec2:DescribeImages', 'ssm:DescribeInstanceInformation'],
        resources: ['*'],
        conditions: {},
      },
      {
        effect: 'Allow',
        actions: ['iam:PassRole'],
        resources: [`\${${roleId}.Arn}`],
        conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com'] } },
      },
      {
        effect: 'Allow',
        actions: ['ssm:GetParameter'],
        resources: ['arn:${AWS::Partition}:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/*'],
        conditions: {},
      },
    ]);
  });

  it('launches only into the configured subnets', () => {
    const fixture = synthBastion({
      props: {
        availabilityZones: ['eu-west-1c'],
        privateSubnetIds: ['subnet-0ccccccccccccccc3'],
        privateSubnetCidrs: ['10.20.3.0/24'],
      },
    });

    const subnets = iamStatements(fixture.template)
      .flatMap((s) => s.resources)
      .filter((r) => r.includes(':subnet/'));
    expect(subnets).toEqual([`${ARN}:subnet/subnet-0ccccccccccccccc3`]);
  });

  it('no statement anywhere lets an EC2 change reach * or an untagged instance, volume or interface', () => {
    expect(untiedEc2Mutations(iamStatements(synthBastion().template))).toEqual([]);
  });

  it('no statement grants a non-read action on *, uses a wildcard action or NotAction; the only Deny is the bastion parameter deny', () => {
    const statements = iamStatements(synthBastion().template);

    expect(writesOnEveryResource(statements)).toEqual([]);
    expect(wildcardActions(statements)).toEqual([]);
    expect(statements.filter((s) => s.notActions.length > 0 || s.notResources.length > 0)).toEqual([]);
    expect(statements.filter((s) => s.effect !== 'Allow').map((s) => s.sid)).toEqual([
      'NoParameterReadsFromBastions',
    ]);
  });

  it('the only IAM action is PassRole, of the bastion role alone, to EC2 alone', () => {
    const fixture = synthBastion();
    const roleId = fixture.logicalId(fixture.bastion.role);

    const iamGrants = iamStatements(fixture.template).filter((s) =>
      s.actions.some((a) => a.startsWith('iam:')),
    );
    expect(iamGrants.map((s) => [s.actions, s.resources, s.conditions])).toEqual([
      [
        ['iam:PassRole'],
        [`\${${roleId}.Arn}`],
        { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com'] } },
      ],
    ]);
  });

  it('the checks catch what they are meant to catch', () => {
    const stack = new Stack();
    new iam.ManagedPolicy(stack, 'TooBroad', {
      statements: [
        new iam.PolicyStatement({ sid: 'Launch', actions: ['ec2:RunInstances'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'Terminate',
          actions: ['ec2:TerminateInstances'],
          resources: ['arn:aws:ec2:eu-west-1:123456789012:instance/*'],
        }),
        new iam.PolicyStatement({
          sid: 'Ssm',
          actions: ['ssm:*'],
          resources: ['arn:aws:ssm:eu-west-1:123456789012:*'],
        }),
        new iam.PolicyStatement({ sid: 'Read', actions: ['ec2:DescribeInstances'], resources: ['*'] }),
      ],
    });
    const statements = iamStatements(Template.fromStack(stack));

    expect(untiedEc2Mutations(statements)).toEqual([
      'Launch: ec2:RunInstances on *',
      'Terminate: ec2:TerminateInstances on arn:aws:ec2:eu-west-1:123456789012:instance/*',
    ]);
    expect(writesOnEveryResource(statements)).toEqual(['Launch: ec2:RunInstances']);
    expect(wildcardActions(statements)).toEqual(['Ssm: ssm:*']);
  });
});
