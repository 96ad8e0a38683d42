import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { RequesterPolicy } from './bastion-requester-policy.js';
import { SessionPreferences } from './bastion-session-preferences.js';
import { bastionControlStatements } from './bastion-worker-statements.js';
import { type InfraProps, portForwardingDocumentName } from './props.js';

/** Every SSM action that returns a parameter's value. */
export const PARAMETER_READS = [
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
] as const;

export interface BastionProps {
  vpc: ec2.IVpc;
  props: InfraProps;
  /**
   * The key for the session logs and session data; a new rotating key when omitted. Never a key that guards
   * anything else: the bastion role may decrypt with it, and a shell session can use the bastion role.
   */
  key?: kms.IKey;
  /**
   * The S3 prefix list of the region (`com.amazonaws.<region>.s3`, a `pl-…` id) when the VPC has an S3
   * gateway endpoint: it lets `dnf` fetch the MySQL client for shell sessions from the Amazon Linux
   * repositories, which live in S3. Omitted = no S3 egress: port forwarding works, the shell has no client.
   */
  packageRepositoryPrefixListId?: string;
}

/**
 * Everything a per-request bastion needs except the instance, which the worker launches:
 *
 * - a security group with no inbound rule and outbound rules to exactly two kinds of peer: HTTPS to the VPC
 *   interface endpoints' security groups, and the database port to the database security groups (each of
 *   which gets the matching inbound rule) — nothing else in the VPC, so a session cannot be turned into a
 *   tunnel to an internal load balancer or the Kubernetes API;
 * - the port-forwarding Session document requesters must use, `<stack>-PortForwardToDatabase`: its host
 *   may only be one of the databases and its port only the database port (AWS's own
 *   `AWS-StartPortForwardingSessionToRemoteHost` takes any host and port, and requesters may not use it);
 * - an instance role trusted by EC2 with the AWS managed `AmazonSSMManagedInstanceCore` as its only
 *   managed policy, plus writing to the session log group and decrypting session data, minus reading
 *   any SSM parameter (a shell session can use the role) — and its instance profile;
 * - Session Manager preferences with encrypted CloudWatch logging ({@link SessionPreferences});
 * - the requesters' managed policy ({@link RequesterPolicy});
 * - {@link Bastion.grantControl}, the worker's launch/watch/terminate permissions.
 *
 * **HTTPS egress and the VPC endpoints.** The SSM agent talks only HTTPS, to `ssm`, `ssmmessages` and
 * `ec2messages`; with logging and session encryption on it also calls `logs` and `kms`. Without 443 to
 * those endpoints the agent never comes `Online` and every provisioning times out: the endpoints must exist
 * with private DNS on, in the security groups named by `vpcEndpointSecurityGroupIds`. Security groups do
 * not filter the Amazon DNS resolver or the instance metadata service, so neither needs a rule.
 */
export class Bastion extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
  readonly requesterPolicy: iam.ManagedPolicy;
  /** The only port-forwarding document requesters may start sessions with. */
  readonly portForwardingDocument: ssm.CfnDocument;
  readonly portForwardingDocumentName: string;
  readonly sessionLogGroup: logs.LogGroup;
  /** Encrypts session data and the session logs. */
  readonly sessionKey: kms.IKey;
  private readonly subnetIds: string[];

  constructor(
    scope: Construct,
    id: string,
    { vpc, props, key, packageRepositoryPrefixListId }: BastionProps,
  ) {
    super(scope, id);
    this.subnetIds = props.privateSubnetIds;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Drawbridge bastions: no inbound; HTTPS to the VPC endpoints, the database port out',
      allowAllOutbound: false,
    });
    props.vpcEndpointSecurityGroupIds.forEach((groupId, index) => {
      const endpoints = ec2.SecurityGroup.fromSecurityGroupId(this, `Endpoints${index}`, groupId, {
        mutable: true,
      });
      this.securityGroup.connections.allowTo(
        endpoints,
        ec2.Port.tcp(443),
        'Drawbridge bastions to the SSM, logs and KMS endpoints',
      );
    });
    if (packageRepositoryPrefixListId) {
      this.securityGroup.addEgressRule(
        ec2.Peer.prefixList(packageRepositoryPrefixListId),
        ec2.Port.tcp(443),
        'HTTPS to the S3 gateway endpoint (Amazon Linux package repositories)',
      );
    }
    props.databaseSecurityGroupIds.forEach((groupId, index) => {
      const database = ec2.SecurityGroup.fromSecurityGroupId(this, `Database${index}`, groupId, {
        mutable: true,
      });
      this.securityGroup.connections.allowTo(
        database,
        ec2.Port.tcp(props.databasePort),
        'Drawbridge bastions to the database',
      );
    });

    this.portForwardingDocumentName = portForwardingDocumentName(Stack.of(this).stackName);
    this.portForwardingDocument = new ssm.CfnDocument(this, 'PortForwardingDocument', {
      name: this.portForwardingDocumentName,
      documentType: 'Session',
      updateMethod: 'NewVersion',
      content: portForwardingDocumentContent(props.databaseHosts, props.databasePort),
    });

    const preferences = new SessionPreferences(this, 'SessionPreferences', {
      ...(key ? { key } : {}),
      idleTimeoutMinutes: props.sessionIdleTimeoutMinutes,
    });
    this.sessionKey = preferences.key;
    this.sessionLogGroup = preferences.logGroup;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Drawbridge bastions: Session Manager only',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.grantSessionLogging(this.role);
    // AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every parameter, and a requester in a shell
    // session can use the instance's credentials. Without this, they could read the SecureStrings the
    // Lambdas use (the DB admin passwords, the Slack token): the aws/ssm key lets any caller SSM serves
    // decrypt. The agent needs no parameter for Session Manager.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NoParameterReadsFromBastions',
        effect: iam.Effect.DENY,
        actions: [...PARAMETER_READS],
        resources: ['*'],
      }),
    );
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.role });

    this.requesterPolicy = new RequesterPolicy(this, 'Requesters', {
      principalTag: props.requesterPrincipalTag,
      sessionKey: this.sessionKey,
      portForwardingDocument: this.portForwardingDocumentName,
    }).policy;
  }

  /**
   * Lets `grantee` (the worker) launch bastions into the configured subnets with this security group and
   * role, watch them come up, read the public AMI parameter and terminate them — and nothing broader:
   * every mutating EC2 action is tied to the `drawbridge:request-id` tag (see `bastionControlStatements`).
   */
  grantControl(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const statements = bastionControlStatements(stack, {
      subnetArns: this.subnetIds.map((subnetId) =>
        stack.formatArn({
          service: 'ec2',
          resource: 'subnet',
          resourceName: subnetId,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ),
      securityGroupArn: stack.formatArn({
        service: 'ec2',
        resource: 'security-group',
        resourceName: this.securityGroup.securityGroupId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
      roleArn: this.role.roleArn,
    });
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }

  /**
   * What the SSM agent needs for encrypted CloudWatch logging and encrypted sessions: write streams of
   * the session log group (and see that the group is encrypted — DescribeLogGroups takes no narrower
   * resource than the account's groups), and decrypt session data with the session key.
   */
  private grantSessionLogging(role: iam.Role): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteSessionLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.sessionLogGroup.logGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CheckSessionLogGroupEncryption',
        actions: ['logs:DescribeLogGroups'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptSessionData',
        actions: ['kms:Decrypt'],
        resources: [this.sessionKey.keyArn],
      }),
    );
  }
}

/** Local port forwarding from the bastion to one of `hosts` on `port`; the local port is the requester's choice. */
export function portForwardingDocumentContent(hosts: readonly string[], port: number) {
  return {
    schemaVersion: '1.0',
    description: 'Drawbridge: port forwarding from a bastion to a target database, and nowhere else',
    sessionType: 'Port',
    parameters: {
      host: { type: 'String', description: 'The database endpoint', allowedValues: [...hosts] },
      portNumber: { type: 'String', description: 'The database port', allowedValues: [String(port)] },
      localPortNumber: {
        type: 'String',
        description: 'The port on your machine',
        allowedPattern:
          '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$',
        default: '13306',
      },
    },
    properties: {
      type: 'LocalPortForwarding',
      host: '{{ host }}',
      portNumber: '{{ portNumber }}',
      localPortNumber: '{{ localPortNumber }}',
    },
  };
}
