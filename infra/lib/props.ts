import { z } from 'zod';

/**
 * Everything the stack needs to know about the account it deploys into, from CDK context
 * (`cdk.json`'s "context", or `-c drawbridge='{"vpcId": …}'`). Nothing is hard-coded to one account.
 */
export const infraPropsSchema = z.strictObject({
  /** The VPC where the databases live; Lambdas and bastions run in its private subnets. */
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0123456789abcdef0'),
  availabilityZones: z.array(z.string().min(1)).min(1),
  /** Private subnets that reach the databases (one per AZ, same order as availabilityZones). */
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id')).min(1),
  /** Their CIDRs: the addresses bastions take (the sweeper only drops accounts pinned there). */
  privateSubnetCidrs: z
    .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'a CIDR such as 10.0.1.0/24'))
    .min(1),
  /** Security groups of the database clusters: the bastions and the Lambdas get ingress on databasePort. */
  databaseSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id')).min(1),
  databasePort: z.number().int().min(1).max(65535).default(3306),
  /**
   * The databases' endpoints (each target's database.host): the only hosts the Drawbridge port-forwarding
   * document lets a session reach.
   */
  databaseHosts: z
    .array(
      z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name such as orders.cluster-….rds.amazonaws.com'),
    )
    .min(1),
  /**
   * Security groups of the VPC interface endpoints the SSM agent talks to (ssm, ssmmessages, ec2messages, logs,
   * kms): the bastions' only HTTPS egress, and each gets the matching inbound rule.
   */
  vpcEndpointSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id')).min(1),
  /** The VPC's CIDR, when known (imported with the VPC). */
  vpcCidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'a CIDR such as 10.0.0.0/16')
    .optional(),
  /** The S3 managed prefix list (pl-…): lets bastions install the MySQL client through the S3 gateway endpoint. */
  s3PrefixListId: z
    .string()
    .regex(/^pl-[0-9a-f]{8,17}$/, 'a prefix list id such as pl-6da54004')
    .optional(),
  /** The Drawbridge config (mode: aws) deployed beside the Lambdas; `${DRAWBRIDGE_*}` values are filled from the stack. */
  configFile: z.string().min(1),
  /** SSM SecureString names the Lambdas read. */
  slackSigningSecretParameter: z.string().regex(/^\//, 'an SSM parameter name starting with /'),
  slackBotTokenParameter: z.string().regex(/^\//, 'an SSM parameter name starting with /'),
  databasePasswordParameters: z
    .array(z.string().regex(/^\//, 'an SSM parameter name starting with /'))
    .default([]),
  /**
   * The audit log groups the config's targets read activity from (`activity.logGroup`, e.g.
   * /aws/rds/cluster/orders-prod/audit): the worker may FilterLogEvents on these only.
   */
  auditLogGroups: z
    .array(
      z
        .string()
        .regex(/^\/[A-Za-z0-9_./#-]{1,511}$/, 'a log group name such as /aws/rds/cluster/orders/audit'),
    )
    .default([]),
  /** Customer-managed KMS key of those SecureStrings; omitted = the AWS-managed aws/ssm key. */
  parametersKmsKeyArn: z.string().startsWith('arn:aws').optional(),
  /** The principal tag of a requester's IAM identity that holds their Slack user id (compared with drawbridge:owner). */
  requesterPrincipalTag: z
    .string()
    .regex(/^[A-Za-z0-9_.:/=+\-@]{1,128}$/)
    .default('SlackUserId'),
  sessionIdleTimeoutMinutes: z.number().int().min(1).max(60).default(20),
  /** Where the Lambda bundles are (`npm run bundle`). */
  lambdaBundleDir: z.string().default('dist/lambda'),
});

export type InfraProps = z.infer<typeof infraPropsSchema>;

/** Names every construct and test agrees on. */
export const TAG = {
  deployment: 'drawbridge:deployment',
  requestId: 'drawbridge:request-id',
  owner: 'drawbridge:owner',
  expiresAt: 'drawbridge:expires-at',
  target: 'drawbridge:target',
} as const;
/** The stack's port-forwarding Session document, `<stack>-PortForwardToDatabase`. */
export const portForwardingDocumentName = (stackName: string) => `${stackName}-PortForwardToDatabase`;
export const SHELL_DOCUMENT = 'SSM-SessionManagerRunShell';
