import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { SHELL_DOCUMENT } from './props.js';

export interface SessionPreferencesProps {
  /** Encrypts the session log group and every session's data stream; a new rotating key when omitted. */
  key?: kms.IKey;
  idleTimeoutMinutes: number;
}

/** Session logs are audit records: kept a year, and kept when the stack goes. */
const RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * Session Manager's preferences for the account and region: the `SSM-SessionManagerRunShell` Session
 * document (the one Session Manager reads its settings from), and the KMS-encrypted log group that shell
 * sessions stream to.
 *
 * - The document name is fixed by Session Manager. If the account already has one (someone saved the
 *   preferences in the console), the first deploy fails with "already exists": delete it, then deploy.
 * - `kmsKeyId` turns on session data encryption for every session, port forwarding included; whoever
 *   starts a session then needs `kms:GenerateDataKey` on the key and the instance `kms:Decrypt`.
 * - `cloudWatchEncryptionEnabled` makes the agent refuse to log to an unencrypted group, so the group's
 *   key and the key policy grant to CloudWatch Logs below are what keeps logging on.
 * - Only shell sessions are logged; a port-forwarding session carries MySQL bytes, which Session Manager
 *   does not log (its start and end are in CloudTrail).
 */
export class SessionPreferences extends Construct {
  readonly key: kms.IKey;
  readonly logGroup: logs.LogGroup;
  readonly document: ssm.CfnDocument;

  constructor(scope: Construct, id: string, props: SessionPreferencesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key =
      props.key ??
      new kms.Key(this, 'Key', {
        description: 'Drawbridge: Session Manager session data and session logs',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    // A fixed name lets the key policy name the group's ARN without a reference cycle (group → key → group).
    const logGroupName = `/drawbridge/${stack.stackName}/sessions`;
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // CloudWatch Logs encrypts with the caller's key only when the key policy lets the service in, and only
    // for this group (the encryption context names it). A no-op on an imported key: its policy must say so.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsDrawbridgeSessionLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: this.key,
      retention: RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.document = new ssm.CfnDocument(this, 'ShellDocument', {
      name: SHELL_DOCUMENT,
      documentType: 'Session',
      // Edits to the preferences become a new default version instead of a replacement, which a fixed name
      // cannot survive.
      updateMethod: 'NewVersion',
      content: {
        schemaVersion: '1.0',
        description: 'Drawbridge: Session Manager preferences (encrypted, logged, idle sessions closed)',
        sessionType: 'Standard_Stream',
        inputs: {
          s3BucketName: '',
          s3KeyPrefix: '',
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: this.logGroup.logGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          kmsKeyId: this.key.keyId,
          runAsEnabled: false,
          runAsDefaultUser: '',
          idleSessionTimeout: String(props.idleTimeoutMinutes),
          maxSessionDuration: '',
          shellProfile: { windows: '', linux: '' },
        },
      },
    });
  }
}
