// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${aws:userid}` and rendered references are IAM and CloudFormation text, not JavaScript.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { portForwardingDocumentContent } from '../lib/bastion.js';
import { PROPS, synthBastion } from './bastion-fixture.js';
import { iamStatements, managedPolicyArnsOf, render, statementsFor } from './iam-statements.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

function resources(template: ReturnType<typeof synthBastion>['template'], type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** Every egress rule of the bastion group, inline or standalone, as `protocol port → destination`. */
function egressRules(fixture: ReturnType<typeof synthBastion>): string[] {
  const groupId = fixture.logicalId(fixture.bastion.securityGroup);
  const group = fixture.template.toJSON().Resources[groupId] as Resource;
  const inline = (group.Properties.SecurityGroupEgress ?? []) as Record<string, unknown>[];
  const standalone = resources(fixture.template, 'AWS::EC2::SecurityGroupEgress')
    .filter((rule) => render(rule.Properties.GroupId) === `\${${groupId}.GroupId}`)
    .map((rule) => rule.Properties);
  return [...inline, ...standalone]
    .map((rule) => {
      const to =
        rule.CidrIp ?? rule.DestinationSecurityGroupId ?? rule.DestinationPrefixListId ?? rule.CidrIpv6;
      return `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort} → ${render(to)}`;
    })
    .sort();
}

describe('Bastion security group', () => {
  it('has no inbound rule, inline or standalone', () => {
    const fixture = synthBastion();
    const groupId = fixture.logicalId(fixture.bastion.securityGroup);
    const group = fixture.template.toJSON().Resources[groupId] as Resource;

    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    const ingressIntoBastions = resources(fixture.template, 'AWS::EC2::SecurityGroupIngress').filter(
      (rule) => render(rule.Properties.GroupId) === `\${${groupId}.GroupId}`,
    );
    expect(ingressIntoBastions).toEqual([]);
  });

  it('allows out exactly HTTPS to the VPC endpoints and the database port to each database group, not the VPC', () => {
    const rules = egressRules(synthBastion());
    expect(rules).toEqual(
      [
        'tcp 443-443 → sg-0e0000000000000e1',
        'tcp 3306-3306 → sg-0db00000000000001',
        'tcp 3306-3306 → sg-0db00000000000002',
      ].sort(),
    );
  });

  it('opens the endpoints to the bastions on HTTPS only', () => {
    const fixture = synthBastion();
    const groupId = fixture.logicalId(fixture.bastion.securityGroup);
    const ingress = resources(fixture.template, 'AWS::EC2::SecurityGroupIngress')
      .filter((rule) => render(rule.Properties.GroupId) === 'sg-0e0000000000000e1')
      .map((rule) => [
        render(rule.Properties.SourceSecurityGroupId),
        rule.Properties.FromPort,
        rule.Properties.ToPort,
      ]);
    expect(ingress).toEqual([[`\${${groupId}.GroupId}`, 443, 443]]);
  });

  it('opens each database group to the bastions on the database port, and nothing else', () => {
    const fixture = synthBastion({ props: { databasePort: 3307 } });
    const groupId = fixture.logicalId(fixture.bastion.securityGroup);

    const ingress = resources(fixture.template, 'AWS::EC2::SecurityGroupIngress')
      .filter((rule) => !PROPS.vpcEndpointSecurityGroupIds.includes(render(rule.Properties.GroupId)))
      .map((rule) => ({
        group: render(rule.Properties.GroupId),
        from: render(rule.Properties.SourceSecurityGroupId),
        ports: `${rule.Properties.IpProtocol} ${rule.Properties.FromPort}-${rule.Properties.ToPort}`,
      }));
    expect(ingress).toEqual(
      PROPS.databaseSecurityGroupIds.map((group) => ({
        group,
        from: `\${${groupId}.GroupId}`,
        ports: 'tcp 3307-3307',
      })),
    );
    expect(egressRules(fixture).filter((rule) => !rule.includes('443'))).toEqual([
      'tcp 3307-3307 → sg-0db00000000000001',
      'tcp 3307-3307 → sg-0db00000000000002',
    ]);
  });

  it('adds HTTPS to the S3 prefix list only when one is given', () => {
    const fixture = synthBastion({ packageRepositoryPrefixListId: 'pl-6da54004' });

    expect(egressRules(fixture)).toContain('tcp 443-443 → pl-6da54004');
    expect(egressRules(synthBastion()).some((rule) => rule.includes('pl-'))).toBe(false);
  });
});

describe('Bastion instance role', () => {
  it('is trusted by EC2 alone and has AmazonSSMManagedInstanceCore as its only managed policy', () => {
    const fixture = synthBastion();
    const roleId = fixture.logicalId(fixture.bastion.role);
    const role = fixture.template.toJSON().Resources[roleId] as Resource;

    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }],
    });
    expect(managedPolicyArnsOf(fixture.template, roleId)).toEqual([
      'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ]);
  });

  it('may otherwise only write the session log group and decrypt session data, and may read no parameter', () => {
    const fixture = synthBastion();
    const roleId = fixture.logicalId(fixture.bastion.role);
    const logsId = fixture.logicalId(fixture.bastion.sessionLogGroup);
    const keyId = fixture.logicalId(fixture.key!);

    const granted = statementsFor(fixture.template, roleId).map((s) => ({
      effect: s.effect,
      actions: s.actions,
      resources: s.resources,
      conditions: s.conditions,
    }));
    expect(granted).toEqual([
      {
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`\${${logsId}.Arn}`],
        conditions: {},
      },
      {
        effect: 'Allow',
        actions: ['logs:DescribeLogGroups'],
        resources: ['arn:${AWS::Partition}:logs:eu-west-1:123456789012:log-group:*'],
        conditions: {},
      },
      { effect: 'Allow', actions: ['kms:Decrypt'], resources: [`\${${keyId}.Arn}`], conditions: {} },
      {
        effect: 'Deny',
        actions: [
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:GetParametersByPath',
          'ssm:GetParameterHistory',
        ],
        resources: ['*'],
        conditions: {},
      },
    ]);
  });

  it('is the only role of its instance profile', () => {
    const fixture = synthBastion();
    const roleId = fixture.logicalId(fixture.bastion.role);

    const profiles = resources(fixture.template, 'AWS::IAM::InstanceProfile');
    expect(profiles.map((p) => (p.Properties.Roles as unknown[]).map(render))).toEqual([[`\${${roleId}}`]]);
  });
});

describe('Session Manager preferences', () => {
  it('the shell document logs to the encrypted group, encrypts sessions with the key, closes idle sessions', () => {
    const fixture = synthBastion();
    const logsId = fixture.logicalId(fixture.bastion.sessionLogGroup);
    const keyId = fixture.logicalId(fixture.key!);

    fixture.template.resourceCountIs('AWS::SSM::Document', 2);
    fixture.template.hasResourceProperties('AWS::SSM::Document', {
      Name: 'SSM-SessionManagerRunShell',
      DocumentType: 'Session',
      UpdateMethod: 'NewVersion',
      Content: {
        schemaVersion: '1.0',
        sessionType: 'Standard_Stream',
        inputs: Match.objectLike({
          cloudWatchLogGroupName: { Ref: logsId },
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          kmsKeyId: { Ref: keyId },
          idleSessionTimeout: '15',
          runAsEnabled: false,
          s3BucketName: '',
        }),
      },
    });
  });

  it('takes the idle timeout from the props', () => {
    const fixture = synthBastion({ props: { sessionIdleTimeoutMinutes: 45 } });

    fixture.template.hasResourceProperties('AWS::SSM::Document', {
      Content: { inputs: Match.objectLike({ idleSessionTimeout: '45' }) },
    });
  });

  it('port forwarding has its own document: the host only a database, the port only the database port', () => {
    const fixture = synthBastion({
      props: {
        databaseHosts: ['a.cluster-x.eu-west-1.rds.amazonaws.com', 'b.example.internal'],
        databasePort: 3307,
      },
    });

    fixture.template.hasResourceProperties('AWS::SSM::Document', {
      Name: 'Drawbridge-PortForwardToDatabase',
      DocumentType: 'Session',
      UpdateMethod: 'NewVersion',
      Content: {
        schemaVersion: '1.0',
        sessionType: 'Port',
        parameters: {
          host: Match.objectLike({
            allowedValues: ['a.cluster-x.eu-west-1.rds.amazonaws.com', 'b.example.internal'],
          }),
          portNumber: Match.objectLike({ allowedValues: ['3307'] }),
          localPortNumber: Match.objectLike({ default: '13306' }),
        },
        properties: {
          type: 'LocalPortForwarding',
          host: '{{ host }}',
          portNumber: '{{ portNumber }}',
          localPortNumber: '{{ localPortNumber }}',
        },
      },
    });
  });

  it('the local port pattern takes every port 1–65535 and nothing else', () => {
    const pattern = new RegExp(
      portForwardingDocumentContent(['h'], 3306).parameters.localPortNumber.allowedPattern,
    );
    for (const port of [1, 80, 1024, 13306, 65535]) expect(pattern.test(String(port))).toBe(true);
    for (const text of ['0', '65536', '99999', '-1', '3306;', '', '012'])
      expect(pattern.test(text)).toBe(false);
  });

  it('the session log group is encrypted with the key, kept a year, and kept when the stack goes', () => {
    const fixture = synthBastion();
    const keyId = fixture.logicalId(fixture.key!);

    fixture.template.resourceCountIs('AWS::Logs::LogGroup', 1);
    fixture.template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/drawbridge/Drawbridge/sessions',
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        RetentionInDays: 365,
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('lets CloudWatch Logs use the key for that log group only', () => {
    const fixture = synthBastion();
    const keyId = fixture.logicalId(fixture.key!);
    const key = fixture.template.toJSON().Resources[keyId] as Resource;
    const statements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;

    const forLogs = statements.filter((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(forLogs).toHaveLength(1);
    expect(forLogs[0]!.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    const condition = forLogs[0]!.Condition as Record<string, Record<string, unknown>>;
    expect(Object.keys(condition)).toEqual(['ArnEquals']);
    expect(render(condition.ArnEquals?.['kms:EncryptionContext:aws:logs:arn'])).toBe(
      'arn:${AWS::Partition}:logs:eu-west-1:123456789012:log-group:/drawbridge/Drawbridge/sessions',
    );
  });

  it('makes its own rotating key, used for both logs and sessions, when the stack passes none', () => {
    const fixture = synthBastion({ stackKey: false });
    const keyId = fixture.logicalId(fixture.bastion.sessionKey as never);

    fixture.template.resourceCountIs('AWS::KMS::Key', 1);
    fixture.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    fixture.template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    fixture.template.hasResourceProperties('AWS::SSM::Document', {
      Content: { inputs: Match.objectLike({ kmsKeyId: { Ref: keyId } }) },
    });
    const requesterKms = iamStatements(fixture.template).filter((s) =>
      s.actions.includes('kms:GenerateDataKey'),
    );
    expect(requesterKms.map((s) => s.resources)).toEqual([[`\${${keyId}.Arn}`]]);
  });
});
