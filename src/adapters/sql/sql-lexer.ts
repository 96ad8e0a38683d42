/**
 * Just enough of MySQL's lexical rules to split a text into statements at `;` and to list its words, outside
 * strings and comments: '…' and "…" strings (backslash and doubled-quote escapes), `…` identifiers,
 * `-- ` and `#` line comments, /* … *\/ block comments. Executable comments (`/*! … *\/`) are refused by the
 * caller, not interpreted.
 */

export interface LexedSql {
  /** Each statement's text, trimmed, empty ones dropped. */
  statements: string[];
  /** Every bare word and backtick-quoted name outside strings and comments. */
  words: string[];
  /** An executable or optimizer-hint comment (`/*!`, `/*+`) was found. */
  executableComment: boolean;
  /** The text ends inside a string, identifier or comment. */
  unterminated: boolean;
}

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

export function lexSql(text: string): LexedSql {
  const statements: string[] = [];
  const words: string[] = [];
  let start = 0;
  let word = '';
  let executableComment = false;
  const endWord = () => {
    if (word) words.push(word);
    word = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch === "'" || ch === '"') {
      endWord();
      const close = closing(text, i, ch);
      if (close < 0) return { statements, words, executableComment, unterminated: true };
      i = close + 1;
      continue;
    }
    if (ch === '`') {
      endWord();
      let j = i + 1;
      let name = '';
      for (;;) {
        if (j >= text.length) return { statements, words, executableComment, unterminated: true };
        if (text[j] === '`' && text[j + 1] === '`') {
          name += '`';
          j += 2;
        } else if (text[j] === '`') break;
        else name += text[j++];
      }
      words.push(name);
      i = j + 1;
      continue;
    }
    if (ch === '#' || (ch === '-' && next === '-' && /[\s]/.test(text[i + 2] ?? ' '))) {
      endWord();
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      endWord();
      if (text[i + 2] === '!' || text[i + 2] === '+') executableComment = true;
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return { statements, words, executableComment, unterminated: true };
      i = close + 2;
      continue;
    }
    if (ch === ';') {
      endWord();
      const piece = text.slice(start, i).trim();
      if (piece) statements.push(piece);
      start = i + 1;
      i++;
      continue;
    }
    if (WORD.test(ch)) word += ch;
    else endWord();
    i++;
  }
  endWord();
  const last = text.slice(start).trim();
  if (last) statements.push(last);
  return { statements, words, executableComment, unterminated: false };
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closing(text: string, open: number, quote: string): number {
  let j = open + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (c === quote && text[j + 1] === quote) j += 2;
    else if (c === quote) return j;
    else j++;
  }
  return -1;
}
