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

/**
 * When the daily digest runs, from the deployed config's `digest` section (`at: "HH:MM"` UTC, default 08:00);
 * undefined when the config names no digest channel, or the file cannot be read.
 */
export function digestSchedule(props: InfraProps): { hour: number; minute: number } | undefined {
  let config: unknown;
  try {
    config = parse(readFileSync(props.configFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof at(config, 'digest', 'channel') !== 'string') return undefined;
  const time = at(config, 'digest', 'at');
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(typeof time === 'string' ? time : '08:00');
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : { hour: 8, minute: 0 };
}

/**
 * Audit log groups the config's targets read (`activity.logGroup`) that the props do not grant: the worker
 * could not read them, and every access would end with its activity unknown.
 */
export function ungrantedAuditLogGroups(props: InfraProps): string[] {
  let config: unknown;
  try {
    config = parse(readFileSync(props.configFile, 'utf8'));
  } catch {
    return [];
  }
  const targets = at(config, 'targets');
  if (!Array.isArray(targets)) return [];
  const granted = new Set(props.auditLogGroups);
  return targets.flatMap((target, i) => {
    const group = at(target, 'activity', 'logGroup');
    return at(target, 'activity', 'kind') === 'cloudwatch-logs' &&
      typeof group === 'string' &&
      !group.includes('${') &&
      !granted.has(group)
      ? [
          `${props.configFile}: targets.${i}.activity.logGroup: ${group} is not among the props' auditLogGroups, so the worker may not read it`,
        ]
      : [];
  });
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
