// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${aws:userid}` and rendered references are IAM and CloudFormation text, not JavaScript.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import {
  iamStatements,
  isReadOnlyAction,
  managedPolicyArnsOf,
  render,
  statementsFor,
} from './iam-statements.js';

/** One statement of each kind the helper must find: role inline, AWS::IAM::Policy, and ManagedPolicy. */
function threeKinds() {
  const stack = new Stack(undefined, 'S', { env: { account: '111122223333', region: 'us-east-2' } });
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    inlinePolicies: {
      inline: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ sid: 'Inline', actions: ['s3:GetObject'], resources: ['*'] })],
      }),
    },
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'Default',
      actions: ['sqs:SendMessage'],
      resources: [stack.formatArn({ service: 'sqs', resource: 'queue' })],
      conditions: { StringEquals: { 'aws:RequestedRegion': 'us-east-2' } },
    }),
  );
  const managed = new iam.ManagedPolicy(stack, 'Managed', {
    statements: [new iam.PolicyStatement({ sid: 'Managed', actions: ['sns:Publish'], resources: ['*'] })],
  });
  role.addManagedPolicy(managed);
  new iam.ManagedPolicy(stack, 'Loose', {
    statements: [new iam.PolicyStatement({ sid: 'Loose', actions: ['sns:Publish'], resources: ['*'] })],
  });
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return { template, roleId: id(role), managedId: id(managed) };
}

describe('iamStatements', () => {
  it('finds role inline, AWS::IAM::Policy and managed policy statements, with what each applies to', () => {
    const { template, roleId } = threeKinds();

    const found = iamStatements(template).map((s) => [s.sid, s.sourceType, s.attachedTo]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['Inline', 'AWS::IAM::Role', [roleId]],
        ['Default', 'AWS::IAM::Policy', [roleId]],
        ['Managed', 'AWS::IAM::ManagedPolicy', [roleId]],
        ['Loose', 'AWS::IAM::ManagedPolicy', []],
      ]),
    );
    expect(found).toHaveLength(4);
    expect(statementsFor(template, roleId).map((s) => s.sid)).toEqual(['Inline', 'Default', 'Managed']);
  });

  it('renders ARNs and conditions to strings, values always as arrays', () => {
    const { template } = threeKinds();

    const statement = iamStatements(template).find((s) => s.sid === 'Default');
    expect(statement?.resources).toEqual(['arn:${AWS::Partition}:sqs:us-east-2:111122223333:queue']);
    expect(statement?.conditions).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-east-2'] } });
    expect(statement?.actions).toEqual(['sqs:SendMessage']);
  });

  it('reads a role’s managed policy ARNs, references rendered', () => {
    const { template, roleId, managedId } = threeKinds();

    expect(managedPolicyArnsOf(template, roleId)).toEqual([`\${${managedId}}`]);
  });
});

describe('render', () => {
  it.each([
    ['a literal', 'arn:aws:s3:::b', 'arn:aws:s3:::b'],
    ['a pseudo parameter', { Ref: 'AWS::Region' }, '${AWS::Region}'],
    ['an attribute', { 'Fn::GetAtt': ['Role1', 'Arn'] }, '${Role1.Arn}'],
    [
      'a join',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/X']] },
      'arn:${AWS::Partition}:iam::aws:policy/X',
    ],
    ['anything else', { 'Fn::Sub': 'x' }, '{"Fn::Sub":"x"}'],
  ])('%s', (_name, value, expected) => {
    expect(render(value)).toBe(expected);
  });
});

describe('isReadOnlyAction', () => {
  it.each([
    ['ec2:DescribeInstances', true],
    ['ssm:GetParameter', true],
    ['ssm:ListDocuments', true],
    ['ec2:RunInstances', false],
    ['ec2:Describe*', false],
    ['iam:GetRole-ish', false],
  ])('%s → %s', (action, expected) => {
    expect(isReadOnlyAction(action)).toBe(expected);
  });
});
