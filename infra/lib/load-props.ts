import { readFileSync } from 'node:fs';
import { err, ok, type Result } from '../../src/domain/result.js';
import { type InfraProps, infraPropsSchema } from './props.js';

/** Context key holding the props as a JSON object (cdk.json) or JSON text (`-c drawbridge='{…}'`). */
export const PROPS_CONTEXT = 'drawbridge';
/** Context key naming a JSON file of props; used when `drawbridge` is not set. */
export const PROPS_FILE_CONTEXT = 'drawbridgePropsFile';

export interface InfraPropsError {
  code: 'invalid_infra_props';
  /** One line per problem, each starting with where it is (`file: path.to.key: message`). */
  problems: string[];
}

/**
 * Reads the stack's props from CDK context: the `drawbridge` object if set, else the JSON file named by
 * `drawbridgePropsFile` (relative to the working directory). Validates them with infraPropsSchema and reports
 * every problem with its key path, so one run shows everything to fix. Never throws.
 */
export function loadInfraProps(context: (key: string) => unknown): Result<InfraProps, InfraPropsError> {
  const fail = (...problems: string[]) => err({ code: 'invalid_infra_props' as const, problems });
  const inline = context(PROPS_CONTEXT);
  const file = context(PROPS_FILE_CONTEXT);
  let source: string;
  let raw: unknown;
  if (inline !== undefined) {
    source = `context ${PROPS_CONTEXT}`;
    if (typeof inline === 'string') {
      try {
        raw = JSON.parse(inline);
      } catch (e) {
        return fail(`${source}: not JSON (${(e as Error).message})`);
      }
    } else raw = inline;
  } else if (typeof file === 'string' && file !== '') {
    source = file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return fail(
        `${PROPS_FILE_CONTEXT}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return fail(`${file}: not JSON (${(e as Error).message})`);
    }
  } else {
    return fail(
      `no props: set context ${PROPS_CONTEXT} (a JSON object) or ${PROPS_FILE_CONTEXT} (a JSON file, see infra/drawbridge-infra.example.json)`,
    );
  }
  const parsed = infraPropsSchema.safeParse(raw);
  if (parsed.success) {
    const problems = crossChecks(parsed.data).map((p) => `${source}: ${p}`);
    return problems.length === 0 ? ok(parsed.data) : fail(...problems);
  }
  return fail(
    ...parsed.error.issues.map(
      (issue) => `${source}: ${issue.path.length > 0 ? issue.path.join('.') : '(props)'}: ${issue.message}`,
    ),
  );
}

/**
 * What the schema checks field by field cannot: the subnet lists line up (each CIDR belongs to the subnet at
 * the same index) and `Vpc.fromVpcAttributes` can spread the subnets over the zones (it throws otherwise,
 * with a stack trace instead of a path).
 */
function crossChecks(props: InfraProps): string[] {
  const problems: string[] = [];
  if (props.privateSubnetCidrs.length !== props.privateSubnetIds.length) {
    problems.push(
      `privateSubnetCidrs: ${props.privateSubnetCidrs.length} CIDRs for ${props.privateSubnetIds.length} privateSubnetIds; give one per subnet, in the same order`,
    );
  }
  if (props.privateSubnetIds.length % props.availabilityZones.length !== 0) {
    problems.push(
      `privateSubnetIds: ${props.privateSubnetIds.length} subnets over ${props.availabilityZones.length} availabilityZones; give the same number of subnets in each zone`,
    );
  }
  return problems;
}
