import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SHELL_DOCUMENT, TAG } from './props.js';

export interface RequesterPolicyProps {
  /** The principal tag on a requester's IAM identity that holds their Slack user id. */
  principalTag: string;
  /** The session encryption key of the Session Manager preferences. */
  sessionKey: kms.IKey;
  /** The stack's port-forwarding document (host and port fixed to the databases). */
  portForwardingDocument: string;
}

/**
 * The managed policy to attach to the engineers' IAM identities (an Identity Center permission set, a
 * role, a group). It lets them open Session Manager sessions on their own bastions and nothing else:
 *
 * - `ssm:StartSession` on an instance only when its `drawbridge:owner` tag equals their own
 *   `aws:PrincipalTag/<principalTag>` (their Slack user id, set by the identity provider). An identity
 *   without the tag matches nothing.
 * - Only two documents: the stack's port forwarding to the databases (`<stack>-PortForwardToDatabase`,
 *   whose host and port can only be a database's) and the logged shell (`SSM-SessionManagerRunShell`) —
 *   never AWS's `AWS-StartPortForwardingSessionToRemoteHost`, which forwards to any host. `ssm:SessionDocumentAccessCheck` makes a session
 *   started without a document name check the default document against this list too.
 * - Ending and resuming only their own sessions: a session id starts with the caller's `aws:userid`.
 *   (For assumed-role identities the session id starts with the role session name instead, so they cannot
 *   end a session early through the API; the session still ends when the client disconnects or idles out.)
 * - `kms:GenerateDataKey` on the session key: Session Manager encrypts every session with it.
 * - Listing sessions and managed instances, which have no resource-level permissions: read-only, on `*`.
 *
 * Named `<stack name>-requesters-<region>`: the ARNs inside are per region and an IAM name is per account.
 */
export class RequesterPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: RequesterPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const documentArn = (name: string) =>
      stack.formatArn({
        service: 'ssm',
        resource: 'document',
        resourceName: name,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });

    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: `${stack.stackName}-requesters-${stack.region}`,
      description: 'Drawbridge requesters: Session Manager sessions on their own bastions only',
      statements: [
        new iam.PolicyStatement({
          sid: 'StartSessionsOnOwnBastions',
          actions: ['ssm:StartSession'],
          resources: [
            stack.formatArn({
              service: 'ec2',
              resource: 'instance',
              resourceName: '*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          ],
          conditions: {
            StringEquals: { [`ssm:resourceTag/${TAG.owner}`]: `\${aws:PrincipalTag/${props.principalTag}}` },
          },
        }),
        new iam.PolicyStatement({
          sid: 'StartSessionsWithDrawbridgeDocuments',
          actions: ['ssm:StartSession'],
          resources: [documentArn(props.portForwardingDocument), documentArn(SHELL_DOCUMENT)],
          conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'EndOrResumeOwnSessions',
          actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
          resources: [
            stack.formatArn({
              service: 'ssm',
              resource: 'session',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, filled in by IAM.
              resourceName: '${aws:userid}-*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ListSessionsAndInstancesReadOnly',
          actions: ['ssm:DescribeSessions', 'ssm:DescribeInstanceInformation'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptSessionData',
          actions: ['kms:GenerateDataKey'],
          resources: [props.sessionKey.keyArn],
        }),
      ],
    });
  }
}
