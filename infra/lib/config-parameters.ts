import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { InfraProps } from './props.js';

/**
 * The SSM parameters the deployed config names but the props do not grant: each one would make every cold
 * start fail with AccessDenied (aws-app.ts reads them all before the first event). Only literal names are
 * checked; a `${…}` value is filled in at run time (the Slack ones from the functions' environment, which
 * comes from the props, so those agree by construction). An unreadable file yields no findings: the asset
 * staging reports a missing file, and the Lambdas' own config validation reports a malformed one.
 */
export function ungrantedConfigParameters(props: InfraProps): string[] {
  let config: unknown;
  try {
    config = parse(readFileSync(props.configFile, 'utf8'));
  } catch {
    return [];
  }
  const granted = new Set([
    props.slackSigningSecretParameter,
    props.slackBotTokenParameter,
    ...props.databasePasswordParameters,
  ]);
  const named: [string, unknown][] = [
    ['aws.parameters.slackSigningSecret', at(config, 'aws', 'parameters', 'slackSigningSecret')],
    ['aws.parameters.slackBotToken', at(config, 'aws', 'parameters', 'slackBotToken')],
  ];
  const targets = at(config, 'targets');
  if (Array.isArray(targets)) {
    targets.forEach((target, i) => {
      named.push([
        `targets.${i}.database.adminPasswordParameter`,
        at(target, 'database', 'adminPasswordParameter'),
      ]);
    });
  }
  return named.flatMap(([path, name]) =>
    typeof name === 'string' && !name.includes('${') && !granted.has(name)
      ? [
          `${props.configFile}: ${path}: ${name} is not among the props' parameters, so the Lambdas may not read it`,
        ]
      : [],
  );
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
