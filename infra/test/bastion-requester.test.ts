// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${aws:userid}` and rendered references are IAM and CloudFormation text, not JavaScript.
import { describe, expect, it } from 'vitest';
import { synthBastion } from './bastion-fixture.js';
import { type IamStatement, iamStatements } from './iam-statements.js';

const INSTANCES = 'arn:${AWS::Partition}:ec2:eu-west-1:123456789012:instance/*';
/** The stack's own document, never AWS's AWS-StartPortForwardingSessionToRemoteHost (any host, any port). */
const PORT_FORWARDING =
  'arn:${AWS::Partition}:ssm:eu-west-1:123456789012:document/Drawbridge-PortForwardToDatabase';
const SHELL = 'arn:${AWS::Partition}:ssm:eu-west-1:123456789012:document/SSM-SessionManagerRunShell';

function requesterStatements(options: Parameters<typeof synthBastion>[0] = {}) {
  const fixture = synthBastion(options);
  const policyId = fixture.logicalId(fixture.bastion.requesterPolicy);
  const statements = iamStatements(fixture.template).filter((s) => s.source === policyId);
  return { fixture, policyId, statements };
}

const granting = (statements: IamStatement[], action: string) =>
  statements.filter((s) => s.actions.includes(action));

describe('Bastion.requesterPolicy', () => {
  it('is a named managed policy, attached to nobody by the stack (operators attach it)', () => {
    const { fixture, policyId, statements } = requesterStatements();

    fixture.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'Drawbridge-requesters-eu-west-1',
    });
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((s) => s.attachedTo.length === 0)).toBe(true);
    expect(policyId).toMatch(/^BastionRequesters/);
  });

  it('starts sessions on an instance only when its owner tag is the caller’s own principal tag', () => {
    const { statements } = requesterStatements();

    const onInstances = granting(statements, 'ssm:StartSession').filter((s) =>
      s.resources.some((r) => r.includes(':ec2:') || r === '*'),
    );
    expect(onInstances.map((s) => [s.resources, s.conditions])).toEqual([
      [
        [INSTANCES],
        { StringEquals: { 'ssm:resourceTag/drawbridge:owner': ['${aws:PrincipalTag/SlackUserId}'] } },
      ],
    ]);
  });

  it('compares the owner tag with the configured principal tag', () => {
    const { statements } = requesterStatements({ props: { requesterPrincipalTag: 'slack:user-id' } });

    const conditions = granting(statements, 'ssm:StartSession').flatMap((s) =>
      Object.values(s.conditions.StringEquals ?? {}),
    );
    expect(conditions).toEqual([['${aws:PrincipalTag/slack:user-id}']]);
  });

  it("allows exactly two documents, the stack's database port forwarding and the logged shell, with the document access check", () => {
    const { statements } = requesterStatements();

    const documents = granting(statements, 'ssm:StartSession').filter((s) =>
      s.resources.some((r) => r.includes(':document/')),
    );
    expect(documents.map((s) => [s.resources, s.conditions])).toEqual([
      [[PORT_FORWARDING, SHELL], { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': ['true'] } }],
    ]);
    const everyStartSessionResource = granting(statements, 'ssm:StartSession').flatMap((s) => s.resources);
    expect(everyStartSessionResource.sort()).toEqual([INSTANCES, PORT_FORWARDING, SHELL].sort());
  });

  it('ends and resumes only the caller’s own sessions', () => {
    const { statements } = requesterStatements();

    const sessions = statements.filter((s) =>
      s.actions.some((a) => a === 'ssm:TerminateSession' || a === 'ssm:ResumeSession'),
    );
    expect(sessions.map((s) => [s.actions.sort(), s.resources])).toEqual([
      [
        ['ssm:ResumeSession', 'ssm:TerminateSession'],
        ['arn:${AWS::Partition}:ssm:eu-west-1:123456789012:session/${aws:userid}-*'],
      ],
    ]);
  });

  it('reads sessions and instance information on *, may encrypt with the session key, and nothing more', () => {
    const { fixture, statements } = requesterStatements();
    const keyId = fixture.logicalId(fixture.key!);

    const rest = statements.filter(
      (s) => !s.actions.some((a) => /^ssm:(StartSession|TerminateSession|ResumeSession)$/.test(a)),
    );
    expect(rest.map((s) => [s.actions, s.resources, s.conditions])).toEqual([
      [['ssm:DescribeSessions', 'ssm:DescribeInstanceInformation'], ['*'], {}],
      [['kms:GenerateDataKey'], [`\${${keyId}.Arn}`], {}],
    ]);
  });
});
