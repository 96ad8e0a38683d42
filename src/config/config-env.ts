/**
 * `${NAME}` references in the config's string values, replaced from an environment map, so that secrets
 * (the DB admin password, tokens) stay out of the file.
 */

export type Path = readonly (string | number)[];

export interface Substituted {
  value: unknown;
  /** References to variables that are not set (and have no `:-default`). */
  problems: { path: Path; message: string }[];
  /** Where a substitution happened: values read from the environment are never shown in messages. */
  paths: Path[];
}

/**
 * Replaces `${NAME}` by the variable's value and `${NAME:-fallback}` by the fallback when the variable is
 * unset or empty; `$${` stands for a literal `${`. Only string values change (never keys); a string made of
 * one reference becomes the variable's text, which the schema then reads as a number or a boolean where one
 * is expected.
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Substituted {
  const result: Substituted = { value: undefined, problems: [], paths: [] };
  result.value = walk(value, [], env, result);
  return result;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function walk(
  value: unknown,
  path: Path,
  env: Readonly<Record<string, string | undefined>>,
  out: Substituted,
  ancestors: readonly unknown[] = [],
): unknown {
  if (typeof value === 'string') return replace(value, path, env, out);
  if (value === null || typeof value !== 'object') return value;
  // YAML anchors can make a value contain itself (`&a [*a]`); the copy must be finite.
  if (ancestors.includes(value)) {
    out.problems.push({ path, message: 'a YAML alias refers to a value that contains it' });
    return undefined;
  }
  const inside = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], env, out, inside));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, so that a `__proto__` key stays a key (and is then refused as unknown).
    Object.defineProperty(copy, key, {
      value: walk(item, [...path, key], env, out, inside),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function replace(
  text: string,
  path: Path,
  env: Readonly<Record<string, string | undefined>>,
  out: Substituted,
): string {
  if (!text.includes('${')) return text;
  let substituted = false;
  const replaced = text.replace(REFERENCE, (whole, inner: string | undefined) => {
    if (inner === undefined) return '${';
    substituted = true;
    const [name = '', fallback] = splitFallback(inner);
    if (!NAME.test(name)) {
      const shown = JSON.stringify(`\${${inner}}`);
      out.problems.push({
        path,
        message: `${shown} is not a variable reference; write \${NAME} or \${NAME:-default}`,
      });
      return whole;
    }
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) return set;
    if (fallback !== undefined) return fallback;
    out.problems.push({ path, message: `environment variable ${name} is not set` });
    return whole;
  });
  if (substituted) out.paths.push(path);
  return replaced;
}

function splitFallback(inner: string): [string, string | undefined] {
  const at = inner.indexOf(':-');
  return at === -1 ? [inner, undefined] : [inner.slice(0, at), inner.slice(at + 2)];
}
