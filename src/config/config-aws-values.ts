/**
 * The AWS leaf values of the config (ids, ARNs, names, CIDRs). Checked loosely — AWS has the final word —
 * but enough to catch a value pasted into the wrong key, which is the usual mistake.
 */
import { leaf } from './config-values.js';

const pass = <T>(value: T) => ({ ok: true as const, value });
const fail = (message: string) => ({ ok: false as const, message });

/** `arn:aws:`, `arn:aws-cn:`, `arn:aws-us-gov:` … */
const PARTITION = 'arn:aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const ACCOUNT = '\\d{12}';

const ssmPath = /^\/[A-Za-z0-9_.\-/]{1,2047}$/;

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const looksLikeCidr = (value: string) => /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/.test(value);

/** An EC2 resource id: `prefix-` and 8 or 17 hex digits. */
function resourceId(prefix: string, expected: string, hint: (value: string) => string | undefined) {
  const pattern = new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
  return leaf((value) => {
    if (typeof value === 'string' && pattern.test(value)) return pass(value);
    const why = typeof value === 'string' ? hint(value) : undefined;
    return fail(why === undefined ? expected : `${expected}, ${why}`);
  });
}

export const awsRegion = leaf((value) =>
  isText(value) && new RegExp(`^${REGION}$`).test(value)
    ? pass(value)
    : fail('expected an AWS region such as eu-west-1'),
);

export const subnetId = resourceId('subnet', 'expected a subnet id such as subnet-0123456789abcdef0', (v) =>
  looksLikeCidr(v) ? 'not a CIDR' : undefined,
);

export const securityGroupId = resourceId(
  'sg',
  'expected a security group id such as sg-0123456789abcdef0',
  (v) => (/^sg-/.test(v) ? undefined : 'not a group name'),
);

/** An instance profile name, or its ARN; a role ARN is the common mix-up. */
export const instanceProfile = leaf((value) => {
  const expected = 'expected an instance profile name or ARN such as drawbridge-bastion';
  if (typeof value !== 'string') return fail(expected);
  if (new RegExp(`^${PARTITION}:iam::${ACCOUNT}:instance-profile/[\\w+=,.@/-]{1,128}$`).test(value)) {
    return pass(value);
  }
  if (/^arn:/.test(value) && /:role\//.test(value)) {
    return fail(`${expected}, not a role ARN (the instance profile wraps the role)`);
  }
  return /^[\w+=,.@-]{1,128}$/.test(value) ? pass(value) : fail(expected);
});

export const instanceType = leaf((value) =>
  typeof value === 'string' && /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(value)
    ? pass(value)
    : fail('expected an EC2 instance type such as t3.micro'),
);

/** `ami-…`, or the SSM parameter path that names the latest AMI (resolved at launch). */
export const amiReference = leaf((value) =>
  typeof value === 'string' && (/^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(value) || ssmPath.test(value))
    ? pass(value)
    : fail(
        'expected an AMI id such as ami-0123456789abcdef0 or an SSM parameter path such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      ),
);

const SSM_NAME = /^(?:\/[A-Za-z0-9_.\-/]{1,2047}|[A-Za-z0-9_.-]{1,2048})$/;
const SSM_ARN = new RegExp(`^${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/[A-Za-z0-9_.\\-/]{1,2048}$`);
/** Slack tokens and secrets start like this; a value that does is the secret itself, not a parameter name. */
const LOOKS_SECRET = /^(?:xox[a-z]-|xapp-|[0-9a-f]{32}$)/;

/**
 * The name (or ARN) of an SSM Parameter Store parameter. Names with a hierarchy start with `/`; a value
 * that looks like a token is refused without being echoed, since it is probably the secret pasted in.
 */
export const ssmParameterName = leaf((value) => {
  const expected = 'expected an SSM parameter name such as /drawbridge/slack/bot-token';
  if (typeof value === 'string' && LOOKS_SECRET.test(value)) {
    const message = `${expected}, not the secret itself (store the secret in the parameter)`;
    return { ok: false as const, message, withoutInput: message };
  }
  if (typeof value === 'string' && (SSM_NAME.test(value) || SSM_ARN.test(value))) return pass(value);
  if (typeof value === 'string' && value.includes('/') && !value.startsWith('/')) {
    return fail(`${expected} (a name with / starts with /)`);
  }
  return fail(expected);
});

/** A Lambda function ARN (the scheduler target): `arn:aws:lambda:<region>:<account>:function:<name>[:alias]`. */
export const lambdaFunctionArn = leaf((value) =>
  typeof value === 'string' &&
  new RegExp(
    `^${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]{1,128})?$`,
  ).test(value)
    ? pass(value)
    : fail(
        'expected a Lambda function ARN such as arn:aws:lambda:eu-west-1:123456789012:function:drawbridge-worker',
      ),
);

/** A function name, a partial or full ARN, with an optional version or alias, as Lambda Invoke accepts. */
export const lambdaFunctionName = leaf((value) =>
  typeof value === 'string' &&
  new RegExp(
    `^(?:(?:${PARTITION}:lambda:${REGION}:)?${ACCOUNT}:function:)?[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
  ).test(value)
    ? pass(value)
    : fail('expected a Lambda function name or ARN such as drawbridge-worker'),
);

export const iamRoleArn = leaf((value) =>
  typeof value === 'string' &&
  new RegExp(`^${PARTITION}:iam::${ACCOUNT}:role/[\\w+=,.@/-]{1,512}$`).test(value)
    ? pass(value)
    : fail('expected an IAM role ARN such as arn:aws:iam::123456789012:role/drawbridge-scheduler'),
);

export const sqsQueueArn = leaf((value) =>
  typeof value === 'string' &&
  new RegExp(`^${PARTITION}:sqs:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,80}(?:\\.fifo)?$`).test(value)
    ? pass(value)
    : fail('expected an SQS queue ARN such as arn:aws:sqs:eu-west-1:123456789012:drawbridge-dlq'),
);

export const scheduleGroupName = leaf((value) =>
  typeof value === 'string' && /^[0-9A-Za-z_.-]{1,64}$/.test(value)
    ? pass(value)
    : fail('expected a schedule group name of 1 to 64 characters A-Z, a-z, 0-9, _, . and -'),
);
