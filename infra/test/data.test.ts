import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BY_REQUESTER_INDEX,
  BY_STATE_INDEX,
  REQUEST_TABLE_DEFINITION,
  TTL_ATTRIBUTE,
} from '../../src/adapters/dynamodb/table-definition.js';
import { arnOf, bundleToTemp, synthStack } from './stack-fixture.js';

let template: Template;
let keyId: string;
let remove: () => void;

beforeAll(async () => {
  const bundle = await bundleToTemp();
  remove = bundle.remove;
  const synth = synthStack(bundle.dir);
  template = synth.template;
  keyId = synth.logicalId(synth.stack.data.key);
});
afterAll(() => remove?.());

describe('the request table', () => {
  it('is on-demand with point-in-time recovery, deletion protection and the customer-managed key', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyId) },
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      },
    });
  });

  it('has byRequester and byState with the adapter key schemas, all attributes projected', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]?.Properties;
    const indexes = table.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual([BY_REQUESTER_INDEX, BY_STATE_INDEX].sort());
    expect(indexes).toEqual(
      expect.arrayContaining(
        REQUEST_TABLE_DEFINITION.GlobalSecondaryIndexes.map((gsi) =>
          expect.objectContaining({
            IndexName: gsi.IndexName,
            KeySchema: gsi.KeySchema,
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      ),
    );
    expect(indexes.find((i) => i.IndexName === BY_REQUESTER_INDEX)).toMatchObject({
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
    });
    expect(indexes.find((i) => i.IndexName === BY_STATE_INDEX)).toMatchObject({
      KeySchema: [
        { AttributeName: 'gsi2pk', KeyType: 'HASH' },
        { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
      ],
    });
    expect(new Set(table.AttributeDefinitions)).toEqual(
      new Set(REQUEST_TABLE_DEFINITION.AttributeDefinitions),
    );
  });

  it("expires only the replay guard's seen keys: TTL on the one attribute only they carry", () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });
});

describe('the data key', () => {
  it('rotates and is kept when the stack goes', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('request table') },
    });
  });

  it("lets CloudWatch Logs use it only for Drawbridge's own two log groups, named", () => {
    const key = template.findResources('AWS::KMS::Key')[keyId];
    const statements = key?.Properties.KeyPolicy.Statement as Record<string, unknown>[];
    const logs = statements.filter((s) => JSON.stringify(s.Principal).includes('logs.'));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Condition: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': ['slack', 'worker'].map((name) => ({
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:logs:eu-west-1:123456789012:log-group:/aws/lambda/Drawbridge-${name}`,
              ],
            ],
          })),
        },
      },
    });
  });
});
