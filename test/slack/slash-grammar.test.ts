import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DURATION_SECONDS } from '../../src/domain/duration.js';
import { TIERS } from '../../src/domain/types.js';
import {
  formatSlashCommand,
  parseSlashText,
  type SlashCommand,
  slashUsage,
} from '../../src/slack/slash-grammar.js';
import { expectEscaped } from './blocks/inspect.js';

const ok = (text: string) => {
  const parsed = parseSlashText(text);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${parsed.error.message}`);
  return parsed.value;
};
const problem = (text: string, command?: string) => {
  const parsed = parseSlashText(text, command);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
  expect(parsed.error.code).toBe('invalid_command');
  return parsed.error.message;
};

describe('parseSlashText: the commands', () => {
  it('opens the modal on empty or blank text', () => {
    expect(ok('')).toEqual({ kind: 'open-modal' });
    expect(ok('  \n\t ')).toEqual({ kind: 'open-modal' });
  });

  it('reads a one-line request; the reason is the rest of the text, verbatim and trimmed', () => {
    expect(ok('request orders-prod READ 1h30m investigate  order 4711\nand its refunds  ')).toEqual({
      kind: 'request',
      target: 'orders-prod',
      tier: 'READ',
      durationSeconds: 5400,
      reason: 'investigate  order 4711\nand its refunds',
    });
  });

  it('takes sub-commands and tiers in any case, and lower-cases targets and ids', () => {
    expect(ok('REQUEST Orders-Prod ddl 30M fix index')).toMatchObject({
      kind: 'request',
      target: 'orders-prod',
      tier: 'DDL',
      durationSeconds: 1800,
    });
    expect(ok('End R-ABCDEFGH23')).toEqual({ kind: 'end', requestId: 'r-abcdefgh23' });
  });

  it('takes a trailing ticket:<url> as the ticket, in plain and in Slack link form', () => {
    expect(ok('request orders-prod DML 1h fix refunds ticket:https://t.example.com/OPS-1')).toMatchObject({
      reason: 'fix refunds',
      ticket: 'https://t.example.com/OPS-1',
    });
    expect(ok('request orders-prod DML 1h fix ticket:<https://t.example.com/OPS-2|OPS-2>')).toMatchObject({
      reason: 'fix',
      ticket: 'https://t.example.com/OPS-2',
    });
    expect(
      ok('request orders-prod DML 1h fix ticket:&lt;https://t.example.com/x?a=1&amp;b=2&gt;'),
    ).toMatchObject({
      ticket: 'https://t.example.com/x?a=1&b=2',
    });
  });

  it('leaves a ticket that is not the last word in the reason', () => {
    expect(ok('request orders-prod READ 1h see ticket:https://t.example.com/1 for details')).toEqual({
      kind: 'request',
      target: 'orders-prod',
      tier: 'READ',
      durationSeconds: 3600,
      reason: 'see ticket:https://t.example.com/1 for details',
    });
  });

  it('decodes the entities Slack sends for &, < and >', () => {
    expect(ok('request orders-prod READ 1h a &amp; b &lt;c&gt; &amp;amp;')).toMatchObject({
      reason: 'a & b <c> &amp;',
    });
  });

  it('reads list, help, end and extend', () => {
    expect(ok('list')).toEqual({ kind: 'list' });
    expect(ok('help')).toEqual({ kind: 'help' });
    expect(ok('help me please')).toEqual({ kind: 'help' });
    expect(ok('end r-k3m9x2p7qa')).toEqual({ kind: 'end', requestId: 'r-k3m9x2p7qa' });
    expect(ok('extend r-k3m9x2p7qa 30m')).toEqual({
      kind: 'extend',
      requestId: 'r-k3m9x2p7qa',
      durationSeconds: 1800,
    });
  });
});

describe('parseSlashText: says exactly what is wrong, then the usage', () => {
  it.each([
    ['request orders-prod WRITE 1h x', 'unknown tier "WRITE": use READ, DML or DDL'],
    ['request orders-prod READ 1h', 'missing the reason'],
    ['request orders-prod READ 1h   ', 'missing the reason'],
    ['request orders-prod READ 1h ticket:https://t.example.com/1', 'missing the reason'],
    ['request orders-prod READ', 'missing the duration'],
    ['request orders-prod', 'missing the tier'],
    ['request', 'missing the target'],
    ['request orders_prod READ 1h x', 'invalid target "orders_prod"'],
    ['request orders-prod READ 90 x', 'invalid duration "90": add a unit'],
    ['request orders-prod READ 1h30 x', 'invalid duration "1h30": the last number has no unit'],
    ['request orders-prod READ 1h x ticket:ftp://files', 'invalid ticket link "ftp://files"'],
    ['request orders-prod READ 1h x ticket:', 'invalid ticket link ""'],
    ['end', 'missing the request id'],
    ['end r-abc', '"r-abc" is not a request id'],
    ['end r-abcdefghil', '"r-abcdefghil" is not a request id'],
    ['end r-k3m9x2p7qa now', 'too many words after "end"'],
    ['extend r-k3m9x2p7qa', 'missing the duration'],
    ['extend r-k3m9x2p7qa 2x', 'invalid duration "2x": "x" is not a unit'],
    ['list all', 'too many words after "list"'],
    ['grant me', 'unknown command "grant": use request, run, list, end, extend or help'],
  ])('%j → %s', (text, expected) => {
    const message = problem(text);
    expect(message.startsWith(expected)).toBe(true);
    expect(message.endsWith(slashUsage())).toBe(true);
  });

  it('refuses a reason over 1000 characters and says how long it was', () => {
    expect(problem(`request orders-prod READ 1h ${'x'.repeat(1001)}`)).toMatch(
      /^the reason is too long \(1001 characters; at most 1000\)/,
    );
  });

  it('shows the configured command name in the usage', () => {
    const message = problem('nope', '/db');
    expect(message).toContain('`/db request &lt;target&gt;');
    expect(message).not.toContain('/bastion');
  });

  it('escapes the user text it quotes, so an error cannot mention @channel', () => {
    const message = problem('request orders-prod <!channel> 1h x');
    expect(message).toContain('unknown tier "&lt;!channel&gt;"');
    expectEscaped(message);
  });
});

describe('parseSlashText: properties', () => {
  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const parsed = parseSlashText(text);
        if (!parsed.ok) expect(parsed.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('request', 'end', 'extend', 'list', 'READ', 'orders-prod', '1h', 'ticket:', 'r-'),
          {
            maxLength: 8,
          },
        ),
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 8 }),
        (keywords, noise) => {
          const text = keywords.map((k, i) => `${k}${noise[i] ?? ''}`).join(' ');
          expect(() => parseSlashText(text)).not.toThrow();
        },
      ),
    );
  });

  const id = fc
    .string({ unit: fc.constantFrom(...'abcdefghjkmnpqrstvwxyz23456789'), minLength: 10, maxLength: 10 })
    .map((s) => `r-${s}`);
  const seconds = fc.integer({ min: 1, max: MAX_DURATION_SECONDS });
  const target = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
  const nonBlank = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).map((s) => s.trim());
  const reason = nonBlank.filter((s) => s !== '' && !/(^|\s)ticket:\S*$/i.test(s));
  const ticket = fc.webUrl({ withQueryParameters: true, withFragments: true });

  const command: fc.Arbitrary<SlashCommand> = fc.oneof(
    fc.constant<SlashCommand>({ kind: 'open-modal' }),
    fc.constant<SlashCommand>({ kind: 'open-run-modal' }),
    fc.constant<SlashCommand>({ kind: 'list' }),
    fc.constant<SlashCommand>({ kind: 'help' }),
    id.map((requestId): SlashCommand => ({ kind: 'end', requestId })),
    fc
      .tuple(id, seconds)
      .map(([requestId, s]): SlashCommand => ({ kind: 'extend', requestId, durationSeconds: s })),
    fc
      .record(
        { target, tier: fc.constantFrom(...TIERS), durationSeconds: seconds, reason, ticket },
        { requiredKeys: ['target', 'tier', 'durationSeconds', 'reason'] },
      )
      .map((r): SlashCommand => ({ kind: 'request', ...r })),
  );

  /** What Slack does to typed text before sending it. */
  const slackEncode = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  it('round-trips every valid command (format, as Slack sends it, then parse)', () => {
    fc.assert(
      fc.property(command, (cmd) => {
        expect(parseSlashText(slackEncode(formatSlashCommand(cmd)))).toEqual({ ok: true, value: cmd });
      }),
      { numRuns: 1000 },
    );
  });

  it('tolerates any whitespace between words and around the text', () => {
    const gap = fc.stringMatching(/^[ \t\n\u00a0]{1,4}$/);
    fc.assert(
      fc.property(command, gap, gap, gap, (cmd, g1, g2, g3) => {
        const words = formatSlashCommand(cmd).split(' ');
        // Only the words before the reason are separators; the reason keeps its own spacing.
        const fixed = cmd.kind === 'request' ? 4 : words.length;
        const head = words.slice(0, fixed).join(g1);
        const tail = words.slice(fixed).join(' ');
        const text = `${g2}${head}${tail === '' ? '' : g1 + tail}${g3}`;
        expect(parseSlashText(slackEncode(text))).toEqual({ ok: true, value: cmd });
      }),
      { numRuns: 500 },
    );
  });
});

describe('slashUsage', () => {
  it('lists every command, escaped for mrkdwn', () => {
    const usage = slashUsage('/bastion');
    for (const verb of ['request', 'list', 'end', 'extend', 'help'])
      expect(usage).toContain(`/bastion ${verb}`);
    expectEscaped(usage);
  });
});
