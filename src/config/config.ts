/**
 * Reads the YAML config (DRAWBRIDGE_CONFIG, see drawbridge.example.yaml) into a validated DrawbridgeConfig.
 * Every problem is reported at once, one per line, each naming the key path and what is expected.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type * as z from 'zod';
import { ConfigError } from '../domain/errors.js';
import type { TargetPolicy } from '../domain/policy-types.js';
import { err, ok, type Result } from '../domain/result.js';
import { type Path, substituteEnv } from './config-env.js';
import { configSchemaFor } from './config-schema.js';
import { MODES, type Mode } from './config-sections.js';
import type { DrawbridgeConfig } from './config-types.js';
import { didYouMean } from './config-values.js';

export type * from './config-types.js';

export interface InvalidConfig {
  code: 'invalid_config';
  /** One problem per line, each starting with the key path (or `file:line:column` for YAML syntax). */
  message: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads and parses the config file, with `${NAME}` taken from `env`. Throws ConfigError when invalid. */
export async function loadConfig(path: string, env: Env = process.env): Promise<DrawbridgeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw new ConfigError(`config file ${path} ${why}; set DRAWBRIDGE_CONFIG to the config's path`, {
      cause,
    });
  }
  const parsed = parseConfig(text, path, env);
  if (!parsed.ok) {
    const lines = parsed.error.message.split('\n').map((line) => `  ${line}`);
    throw new ConfigError(`${path} is not a valid Drawbridge config:\n${lines.join('\n')}`);
  }
  return parsed.value;
}

/**
 * Parses config text. Pure: the environment comes in as `env` (never process.env), and nothing is thrown
 * whatever the text; values that come from the environment or sit under a secret-looking key are never
 * echoed in messages.
 */
export function parseConfig(
  yamlText: string,
  sourceName: string,
  env: Env = {},
): Result<DrawbridgeConfig, InvalidConfig> {
  const read = readYaml(yamlText, sourceName);
  if (!read.ok) return invalid(read.lines);
  if (read.value === undefined || read.value === null) {
    return invalid([`${sourceName}: the file is empty; expected a mapping with at least targets`]);
  }
  const substituted = substituteEnv(read.value, env);
  const secretPaths = new Set(substituted.paths.map(formatPath));
  const lines = substituted.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
  if (lines.length > 0) return invalid(lines);

  const schema = configSchemaFor(modeOf(substituted.value));
  const result = schema.safeParse(substituted.value, { reportInput: true, error: expectation });
  if (result.success) return ok(result.data);
  const issueLines = result.error.issues.flatMap((issue) => renderIssue(issue, secretPaths));
  return invalid([...new Set(issueLines)]);
}

/**
 * The mode the file asks for, which decides the schema. A misspelt mode (`AWS`, `aws `) is read as the mode
 * it is closest to, so that its mistake is reported once rather than as every section's kind being wrong.
 */
function modeOf(value: unknown): Mode {
  const mode = isRecord(value) ? value.mode : undefined;
  if (typeof mode !== 'string') return 'local';
  const guess = didYouMean(mode.trim(), MODES);
  return (guess as Mode | undefined) ?? 'local';
}

function invalid(lines: string[]): { ok: false; error: InvalidConfig } {
  return err({ code: 'invalid_config', message: lines.join('\n') });
}

function readYaml(
  text: string,
  sourceName: string,
): { ok: true; value: unknown } | { ok: false; lines: string[] } {
  if (typeof text !== 'string') return { ok: false, lines: [`${sourceName}: expected YAML text`] };
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      lines: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at === undefined ? sourceName : `${sourceName}:${at.line}:${at.col}`;
        return `${where}: ${yamlMessage(e.message)}`;
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (cause) {
    // Unresolved or exploding aliases are only found while building the values.
    return {
      ok: false,
      lines: [`${sourceName}: ${yamlMessage(cause instanceof Error ? cause.message : String(cause))}`],
    };
  }
}

/** The first line of a yaml error without the source excerpt or quoted token, which could hold a secret. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/: ".*"$/, '')
    .replace(/:$/, '');
}

/** Messages for zod's own issues (the leaves in config-values.ts write theirs). */
function expectation(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'object') return 'expected a mapping (key: value pairs)';
      if (issue.expected === 'array') return 'expected a list';
      return `expected ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array') {
        return `expected a list of at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`;
      }
      return undefined;
    case 'invalid_value':
      return `expected ${issue.values.map(String).join(' or ')}`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        return `expected one of ${issue.options.map(String).join(', ')}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

const SECRET_KEY = /password|secret|token|credential/i;
const NOT_SHOWN = 'a value that is not shown';

function renderIssue(issue: z.core.$ZodIssue, secretPaths: ReadonlySet<string>): string[] {
  if (issue.code === 'unrecognized_keys') {
    const texts = issue.message.split('\n');
    return issue.keys.map((key, i) => `${formatPath([...issue.path, key])}: ${texts[i] ?? 'unknown key'}`);
  }
  const where = formatPath(issue.path);
  const hidden =
    secretPaths.has(where) || issue.path.some((p) => typeof p === 'string' && SECRET_KEY.test(p));
  const withoutInput = issue.code === 'custom' ? issue.params?.withoutInput : undefined;
  if (hidden && typeof withoutInput === 'string') return [`${where}: ${withoutInput}, got ${NOT_SHOWN}`];
  if (!showsInput(issue)) return [`${where}: ${issue.message}`];
  let input = issue.input;
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    input = isRecord(input) ? input[issue.discriminator] : undefined;
  }
  if (input === undefined) return [`${where}: missing; ${issue.message}`];
  return [`${where}: ${issue.message}, got ${hidden ? NOT_SHOWN : describe(input)}`];
}

/** Type and value mismatches show what was found; rule violations (too few entries, quorum) say it all. */
function showsInput(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'custom') return issue.params?.got === true;
  return issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union';
}

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** `targets[0].tiers.DDL.approvalsRequired`; keys that are not plain words are quoted. */
export function formatPath(path: Path | readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Each target's policy by target name: how the app looks a request's tier policy up. */
/** Each target's policy, with its schemas and protected tables taken from the target itself (one source). */
export function targetPolicies(config: DrawbridgeConfig): ReadonlyMap<string, TargetPolicy> {
  return new Map(
    config.targets.map((t) => [
      t.name,
      { ...t.policy, schemas: [...t.schemas], protectedTables: [...t.protectedTables] },
    ]),
  );
}
