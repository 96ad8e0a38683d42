/** Decides whether a table name is protected (never granted). */
export type TableMatcher = (table: string) => boolean;

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

/**
 * The target's protection: `undefined` when it protects nothing, the only case where a schema-level grant is
 * safe. With any pattern, every grant is per table, because a table created or renamed into the pattern later
 * would be open at once under a schema-level grant.
 */
export function tableProtection(patterns: readonly string[]): TableMatcher | undefined {
  return patterns.length === 0 ? undefined : protectedTableMatcher(patterns);
}
