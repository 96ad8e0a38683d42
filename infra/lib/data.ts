import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { REQUEST_TABLE_DEFINITION, TTL_ATTRIBUTE } from '../../src/adapters/dynamodb/table-definition.js';
import { functionLogGroupName } from './functions.js';

/**
 * Drawbridge's state: the request table (the approval log the security reviewer reads) and the
 * customer-managed key that encrypts it, the Lambda log groups and the schedules' dead-letter queue.
 *
 * Both are RETAIN: the table is the audit trail, and deleting the key would make a retained table (and its
 * point-in-time backups) unreadable. TTL is on one attribute that only the replay guard's seen-request keys
 * carry: TTL never ends access, and no request, ownership record or name claim ever has that attribute, so
 * no audit record vanishes on a timer.
 */
export class DrawbridgeData extends Construct {
  readonly key: kms.Key;
  /**
   * Signs each request's chain head (ECC_NIST_P256). The functions may only kms:Sign with it; reviewers verify
   * with kms:GetPublicKey. Asymmetric keys do not rotate; RETAIN, since every seal ever made names it.
   */
  readonly historyKey: kms.Key;
  readonly table: dynamodb.Table;
  /**
   * Large run exports (over the config's `runs.s3.overMegabytes`): the data key encrypts them, they expire
   * after a day, nothing is public, TLS only. The requester gets a presigned link valid an hour at most.
   */
  readonly exports: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Drawbridge: request table, Lambda logs and the schedules dead-letter queue',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the key itself (not with the caller's rights), so the key policy must let
    // the regional Logs service use it — only for Drawbridge's own log groups, named up front (functions.ts),
    // never for any other log group of the account.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsDrawbridgeFunctionLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'], // in a key policy, `*` means this key
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': (['slack', 'worker'] as const).map((name) =>
              stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: functionLogGroupName(stack, name),
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ),
          },
        },
      }),
    );

    this.historyKey = new kms.Key(this, 'HistoryKey', {
      description: 'Drawbridge: signs each request history chain head (kms:Sign by the functions only)',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.exports = new s3.Bucket(this, 'Exports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Requests', {
      partitionKey: attribute(REQUEST_TABLE_DEFINITION.KeySchema[0].AttributeName),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    // byRequester and byState, exactly as the adapter (and ensureTable in local mode) defines them.
    for (const index of REQUEST_TABLE_DEFINITION.GlobalSecondaryIndexes) {
      const [hash, range] = index.KeySchema;
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: attribute(hash.AttributeName),
        sortKey: attribute(range.AttributeName),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}

/** The table's key attributes, typed as the adapter declares them (all strings today). */
function attribute(name: string): dynamodb.Attribute {
  const type = REQUEST_TABLE_DEFINITION.AttributeDefinitions.find(
    (a) => a.AttributeName === name,
  )?.AttributeType;
  if (type !== 'S')
    throw new Error(`table-definition.ts: attribute ${name} is ${type ?? 'undeclared'}, expected S`);
  return { name, type: dynamodb.AttributeType.STRING };
}
