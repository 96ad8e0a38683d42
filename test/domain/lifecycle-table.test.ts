import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE } from '../../src/domain/state-machine.js';
import { REQUEST_STATES } from '../../src/domain/types.js';

/** The lifecycle table as docs/architecture.md shows it, rendered from the table `transition` runs. */
function lifecycleMarkdown(): string {
  const states = (list: readonly string[]) =>
    list.length === REQUEST_STATES.length ? 'any' : list.map((s) => `\`${s}\``).join(', ');
  const rows = Object.entries(LIFECYCLE).map(([command, rule]) => {
    const guards = rule.guards.map((g) => g.name).join(', ') || '—';
    return `| \`${command}\` | ${states(rule.from)} | ${guards} | ${states(rule.to)} |`;
  });
  return ['| command | from | guards (in order) | to |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const between = (text: string) => {
  const start = text.indexOf('<!-- lifecycle-table:start -->');
  const end = text.indexOf('<!-- lifecycle-table:end -->');
  return start === -1 || end === -1
    ? ''
    : text.slice(start + '<!-- lifecycle-table:start -->'.length, end).trim();
};

describe('the lifecycle table', () => {
  it('is what docs/architecture.md shows (regenerate the block between the markers when it changes)', () => {
    const expected = lifecycleMarkdown();
    const shown = between(readFileSync('docs/architecture.md', 'utf8'));
    if (shown !== expected) console.log(`docs/architecture.md should show:\n${expected}`);
    expect(shown).toBe(expected);
  });

  it('names every guard (the docs and the refusals read them by name)', () => {
    for (const rule of Object.values(LIFECYCLE)) {
      for (const guard of rule.guards) expect(guard.name).toMatch(/^[a-z][A-Za-z]+$/);
    }
  });

  it('leads only to states the model has, and every command leaves from at least one state', () => {
    for (const rule of Object.values(LIFECYCLE)) {
      expect(rule.from.length).toBeGreaterThan(0);
      for (const state of [...rule.from, ...rule.to]) expect(REQUEST_STATES).toContain(state);
    }
  });
});
