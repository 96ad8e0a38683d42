/**
 * A guard in front of util-dynamodb's `marshall`, which decides what a value is by duck typing:
 * a map with a key `constructor` is refused or mistaken for a Set/Map, a key `__proto__` is silently
 * dropped, and class instances (a Date) are refused without a path. Finding those first turns a silent
 * loss or an opaque error into a typed error that names the path.
 */
const RESERVED_KEYS = new Set(['constructor', '__proto__']);

/** The path and the reason of the first value that would not survive marshall → unmarshall, if any. */
export function findUnstorable(value: unknown, path: readonly (string | number)[] = []): string | undefined {
  const here = path.length > 0 ? path.join('.') : '(root)';
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))
        ? undefined
        : `${here}: ${value} is not a number DynamoDB stores exactly`;
    case 'object':
      break;
    default:
      return `${here}: a ${typeof value} cannot be stored`;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      if (item === undefined)
        return `${path.concat(index).join('.')}: undefined inside a list would shift it`;
      const found = findUnstorable(item, path.concat(index));
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return `${here}: only plain objects can be stored (got ${prototype?.constructor?.name ?? 'an instance'})`;
  }
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key))
      return `${path.concat(key).join('.')}: the key "${key}" does not survive marshalling`;
    const found = findUnstorable((value as Record<string, unknown>)[key], path.concat(key));
    if (found) return found;
  }
  return undefined;
}
