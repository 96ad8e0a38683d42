/**
 * Protected-table patterns (`secret_*`): never granted, never readable by a run. One matcher for the grants
 * and the run checker, so the two cannot disagree on what a pattern covers.
 */

export type TableMatcher = (table: string) => boolean;

/** The schemas no access is ever given: the server's own. */
export const SYSTEM_SCHEMAS: readonly string[] = ['mysql', 'sys', 'information_schema', 'performance_schema'];

/**
 * A protected-table pattern as a RegExp: `*` is any run of characters, `?` exactly one, everything else
 * literal; the whole name must match, case-insensitively (table names differ in case across platforms,
 * and a protection that a capital letter defeats would be no protection).
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'isu');
}

export function protectedTableMatcher(patterns: readonly string[]): TableMatcher {
  const compiled = patterns.map(globToRegExp);
  return (table) => compiled.some((re) => re.test(table));
}
