// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${AWS::Partition}`, `${aws:userid}` and rendered references are IAM and CloudFormation text, not JavaScript.
import { describe, expect, it } from 'vitest';
import { BASTION_TAGS, runInstancesInput } from '../../src/adapters/aws/ec2-launch-input.js';
import { EC2_DEFAULTS } from '../../src/config/config-sections.js';
import type { Ec2BastionConfig } from '../../src/config/config-types.js';
import { newRequestId } from '../../src/domain/request-id.js';
import { BASTION_TAG_KEYS, REQUEST_ID_PATTERN } from '../lib/bastion-worker-statements.js';
import { TAG } from '../lib/props.js';
import { synthBastion } from './bastion-fixture.js';
import { iamStatements } from './iam-statements.js';

/**
 * The worker's IAM policy and the worker's RunInstances request are written in two places; an IAM mismatch
 * only shows as UnauthorizedOperation in a real account. These tests hold the two together.
 */
const CONFIG: Ec2BastionConfig = {
  kind: 'ec2',
  subnets: ['subnet-0aaaaaaaaaaaaaaa1'],
  securityGroup: 'sg-0123456789abcdef0',
  instanceProfile: 'drawbridge-bastion',
  instanceType: EC2_DEFAULTS.instanceType,
  ami: EC2_DEFAULTS.ami,
  readyTimeoutSeconds: EC2_DEFAULTS.readyTimeoutSeconds,
  localPort: EC2_DEFAULTS.localPort,
  portForwardingDocument: EC2_DEFAULTS.portForwardingDocument,
};
const REQUEST_ID = newRequestId({ bytes: (n: number) => new Uint8Array(n).fill(7) } as never);
const INPUT = runInstancesInput(
  CONFIG,
  {
    requestId: REQUEST_ID,
    target: 'orders',
    owner: 'U024BE7LH',
    expiresAt: new Date('2025-03-01T10:30:00.000Z'),
    shutdownAfterSeconds: 3600,
  },
  { imageId: 'ami-0abcdef1234567890', rootDeviceName: '/dev/xvda', rootVolumeGiB: 8 },
  'subnet-0aaaaaaaaaaaaaaa1',
  'Drawbridge',
);

/** `arn:…:ec2:region:account:volume/*` → `volume`: the TagSpecification ResourceType of that ARN. */
const resourceTypeOf = (arn: string) => /:([a-z-]+)\/\*$/.exec(arn)?.[1];

function tagConditionedRunInstancesTypes(): string[] {
  return iamStatements(synthBastion().template)
    .filter((s) => s.actions.includes('ec2:RunInstances') && s.conditions.StringLike)
    .flatMap((s) => s.resources.map(resourceTypeOf))
    .filter((type): type is string => type !== undefined)
    .sort();
}

describe('worker policy ↔ RunInstances request', () => {
  it('both name the same tags', () => {
    expect(BASTION_TAGS).toEqual(TAG);
  });

  it('the launch tags every resource type whose RunInstances grant asks for a request tag', () => {
    const tagged = (INPUT.TagSpecifications ?? []).map((spec) => spec.ResourceType).sort();

    expect(tagConditionedRunInstancesTypes()).toEqual(['instance', 'network-interface', 'volume']);
    expect(tagged).toEqual(tagConditionedRunInstancesTypes());
  });

  it('the launch sets only allowed tag keys, and a request id the condition matches', () => {
    const pattern = new RegExp(`^${REQUEST_ID_PATTERN.replace('*', '.*')}$`);
    for (const spec of INPUT.TagSpecifications ?? []) {
      const keys = (spec.Tags ?? []).map((tag) => tag.Key ?? '');
      expect(keys.every((key) => BASTION_TAG_KEYS.includes(key))).toBe(true);
      const requestId = spec.Tags?.find((tag) => tag.Key === TAG.requestId)?.Value;
      expect(requestId).toMatch(pattern);
    }
  });

  it('the launch requires IMDSv2, as the instance grant demands', () => {
    expect(INPUT.MetadataOptions?.HttpTokens).toBe('required');
  });

  it('the default AMI parameter is one the worker may read', () => {
    const readable = iamStatements(synthBastion().template)
      .filter((s) => s.effect === 'Allow' && s.actions.includes('ssm:GetParameter'))
      .flatMap((s) => s.resources);

    expect(readable).toEqual([
      'arn:${AWS::Partition}:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/*',
    ]);
    expect(`/${readable[0]!.split(':parameter/')[1]}`.replace('*', '')).toBe(
      EC2_DEFAULTS.ami.slice(0, EC2_DEFAULTS.ami.lastIndexOf('/') + 1),
    );
  });
});
