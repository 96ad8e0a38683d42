import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM policy statement of a synthesized template, with every value rendered to a plain string. */
export interface IamStatement {
  /** Logical id of the resource the statement lives in. */
  source: string;
  sourceType: 'AWS::IAM::Policy' | 'AWS::IAM::ManagedPolicy' | 'AWS::IAM::Role';
  /** Logical ids of the roles, users and groups it applies to (a role's inline policy: the role). */
  attachedTo: string[];
  sid: string | undefined;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Operator → key → values, values always as an array. */
  conditions: Record<string, Record<string, string[]>>;
}

type Json = Record<string, unknown>;

/**
 * A CloudFormation value as readable text: literals as they are, `Ref` as `${LogicalId}` (so pseudo
 * parameters read `${AWS::Region}`), `Fn::GetAtt` as `${LogicalId.Attribute}`, `Fn::Join` joined. An ARN
 * built by the CDK from tokens thus reads `arn:${AWS::Partition}:ec2:eu-west-1:123456789012:instance/*`.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Json;
    if (typeof object.Ref === 'string') return `\${${object.Ref}}`;
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `\${${getAtt.map(render).join('.')}}`;
    const join = object['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(render).join(join[0]);
    }
  }
  return JSON.stringify(value);
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const strings = (value: unknown): string[] => list(value).map(render);

function attachments(properties: Json): string[] {
  return ['Roles', 'Users', 'Groups'].flatMap((key) => strings(properties[key])).map(stripRef);
}

/** `${LogicalId}` → `LogicalId`, so attachments compare with logical ids. */
function stripRef(rendered: string): string {
  const match = /^\$\{([^}]+)\}$/.exec(rendered);
  return match?.[1] ?? rendered;
}

function statementsOf(
  document: unknown,
  source: string,
  sourceType: IamStatement['sourceType'],
  attachedTo: string[],
): IamStatement[] {
  const statements = list((document as Json | undefined)?.Statement) as Json[];
  return statements.map((statement) => {
    const conditions: IamStatement['conditions'] = {};
    for (const [operator, entries] of Object.entries((statement.Condition as Json | undefined) ?? {})) {
      conditions[operator] = Object.fromEntries(
        Object.entries(entries as Json).map(([key, values]) => [key, strings(values)]),
      );
    }
    return {
      source,
      sourceType,
      attachedTo,
      sid: typeof statement.Sid === 'string' ? statement.Sid : undefined,
      effect: render(statement.Effect),
      actions: strings(statement.Action),
      notActions: strings(statement.NotAction),
      resources: strings(statement.Resource),
      notResources: strings(statement.NotResource),
      conditions,
    };
  });
}

/**
 * Every statement of every identity policy in the template: `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`
 * and the inline `Policies` of `AWS::IAM::Role`. Trust policies and resource policies (key policies,
 * bucket policies) are not identity permissions and are left out.
 */
export function iamStatements(template: Template): IamStatement[] {
  const resources = resourcesOf(template);
  const found = Object.entries(resources).flatMap(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return statementsOf(properties.PolicyDocument, logicalId, resource.Type, attachments(properties));
      case 'AWS::IAM::Role':
        return (list(properties.Policies) as Json[]).flatMap((policy) =>
          statementsOf(policy.PolicyDocument, logicalId, 'AWS::IAM::Role', [logicalId]),
        );
      default:
        return [];
    }
  });
  // A managed policy of this template may also be attached from the other side, by a role's ManagedPolicyArns.
  for (const [logicalId, resource] of Object.entries(resources)) {
    for (const arn of strings(resource.Properties?.ManagedPolicyArns)) {
      for (const statement of found) {
        if (statement.sourceType === 'AWS::IAM::ManagedPolicy' && stripRef(arn) === statement.source) {
          statement.attachedTo = [...new Set([...statement.attachedTo, logicalId])];
        }
      }
    }
  }
  return found;
}

function resourcesOf(template: Template): Record<string, { Type: string; Properties?: Json }> {
  return (template.toJSON().Resources ?? {}) as Record<string, { Type: string; Properties?: Json }>;
}

/** The statements that apply to one role (or user or group), by logical id. */
export function statementsFor(template: Template, principalLogicalId: string): IamStatement[] {
  return iamStatements(template).filter((s) => s.attachedTo.includes(principalLogicalId));
}

/** The managed policy ARNs attached to a role, rendered. */
export function managedPolicyArnsOf(template: Template, roleLogicalId: string): string[] {
  return strings(resourcesOf(template)[roleLogicalId]?.Properties?.ManagedPolicyArns);
}

/** Describe/Get/List actions: they read, they change nothing. */
export function isReadOnlyAction(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z0-9]*$/.test(action);
}

/** How a finding names its statement: the Sid, else the logical id of the policy. */
export const nameOf = (s: IamStatement): string => s.sid ?? s.source;

/** Allow statements whose actions use a wildcard (`*`, `ec2:*`, `ssm:Start*`, …), as `name: action`. */
export function wildcardActions(statements: IamStatement[]): string[] {
  return statements
    .filter((s) => s.effect === 'Allow')
    .flatMap((s) =>
      [...s.actions, ...s.notActions].filter((a) => a.includes('*')).map((a) => `${nameOf(s)}: ${a}`),
    );
}

/** Allow statements that grant something other than reading on every resource (`*`), as `name: action`. */
export function writesOnEveryResource(statements: IamStatement[]): string[] {
  return statements
    .filter((s) => s.effect === 'Allow' && (s.resources.includes('*') || s.notResources.length > 0))
    .flatMap((s) => s.actions.filter((a) => !isReadOnlyAction(a)).map((a) => `${nameOf(s)}: ${a}`));
}
