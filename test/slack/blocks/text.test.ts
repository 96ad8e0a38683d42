import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clampMrkdwn,
  clip,
  escapeMrkdwn,
  link,
  mention,
  slackDate,
  userText,
} from '../../../src/slack/blocks/text.js';
import { expectEscaped } from './inspect.js';

/** Text rich in the characters that matter here: mrkdwn controls and astral characters. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('<', '>', '&', 'a', ' ', '😀', '|'), maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
);

const isWellFormed = (s: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('text helpers', () => {
  it('escapes &, < and > only', () => {
    expect(escapeMrkdwn('a & <b> *c*')).toBe('a &amp; &lt;b&gt; *c*');
  });

  it('clip: at most max units, never splitting a surrogate pair, unchanged when short', () => {
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 200 }), (text, max) => {
        const out = clip(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(isWellFormed(out)).toBe(isWellFormed(text));
        if (text.length <= max) expect(out).toBe(text);
        else expect(out.endsWith('…')).toBe(true);
      }),
    );
  });

  it('userText: escaped, within max, and never ends in a half entity', () => {
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 300 }), (text, max) => {
        const out = userText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expectEscaped(out);
        if (escapeMrkdwn(text).length <= max) expect(out).toBe(escapeMrkdwn(text));
      }),
    );
  });

  it('clampMrkdwn: cuts finished mrkdwn without leaving half a mention, date or entity', () => {
    const piece = fc.constantFrom(
      '<@U123ABC>',
      '<!date^1893557165^{time}|2030-01-02T04:06:05.000Z>',
      '&amp;',
      'word ',
      '😀',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 2, max: 400 }), (pieces, max) => {
        const out = clampMrkdwn(pieces.join(''), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expectEscaped(out);
        expect(isWellFormed(out)).toBe(true);
      }),
    );
  });

  it('mentions users and groups, and names system actors in words', () => {
    expect(mention('U123ABC')).toBe('<@U123ABC>');
    expect(mention('W123ABC')).toBe('<@W123ABC>');
    expect(mention('S0GROUP')).toBe('<!subteam^S0GROUP>');
    expect(mention('system')).toBe('Drawbridge');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('formats dates for each reader, with the ISO time as fallback', () => {
    expect(slackDate('2030-01-02T03:04:05.000Z')).toBe(
      '<!date^1893553445^{date_short_pretty} {time}|2030-01-02T03:04:05.000Z>',
    );
    expect(slackDate('not a date <x>')).toBe('not a date &lt;x&gt;');
  });

  it('links only http(s) URLs', () => {
    expect(link('https://t.example.com/a?b=1&c=2', 'T|1')).toBe('<https://t.example.com/a?b=1&amp;c=2|T¦1>');
    expect(link('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(link('https://x.example.com/<!channel>')).toBe('<https://x.example.com/&lt;!channel&gt;>');
  });
});
