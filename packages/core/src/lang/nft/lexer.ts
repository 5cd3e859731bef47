import { ParseError, positionAt } from '../errors';

/** One token of nft syntax. Words cover identifiers, numbers, addresses, ranges (`1-5`), prefixes, `@set`, `$var`. */
export interface Token {
  readonly kind: 'word' | 'string' | 'punct' | 'newline';
  readonly text: string;
  readonly offset: number;
}

const WORD = /[A-Za-z0-9_.:/\-*$@%]/;
const TWO_CHAR = new Set(['!=', '==', '<<', '>>', '<=', '>=']);

/** Split nft text into tokens; `#` comments are dropped, newlines are kept (they end commands), `\` joins lines. */
export function tokenize(text: string, source = 'input'): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ kind: 'newline', text: '\n', offset: i });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\\' && text[i + 1] === '\n') i += 2;
    else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) {
        throw new ParseError(
          positionAt(text, i),
          'a closing quote `"`',
          text.slice(i, nl < 0 ? undefined : nl),
          source,
        );
      }
      out.push({ kind: 'string', text: text.slice(i + 1, end), offset: i });
      i = end + 1;
    } else if (WORD.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD.test(text[j]!)) j++;
      const word = text.slice(i, j);
      // A lone `:` separates map keys from values; `:15001` and IPv6 addresses stay words.
      out.push({ kind: word === ':' ? 'punct' : 'word', text: word, offset: i });
      i = j;
    } else {
      const two = text.slice(i, i + 2);
      const t = TWO_CHAR.has(two) ? two : c;
      out.push({ kind: 'punct', text: t, offset: i });
      i += t.length;
    }
  }
  return out;
}

/** A cursor over tokens that reports errors with the line and column of the offending token. */
export class TokenStream {
  private pos = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly text: string,
    readonly source = 'input',
  ) {}
  get index(): number {
    return this.pos;
  }
  set index(i: number) {
    this.pos = i;
  }
  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }
  next(expected: string): Token {
    const t = this.tokens[this.pos];
    if (!t) this.fail(expected);
    this.pos++;
    return t;
  }
  /** True (and consumed) when the next token has this text. */
  accept(text: string): boolean {
    const t = this.tokens[this.pos];
    if (t && t.kind !== 'string' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  is(text: string, ahead = 0): boolean {
    const t = this.tokens[this.pos + ahead];
    return !!t && t.kind !== 'string' && t.text === text;
  }
  expect(text: string): Token {
    const t = this.tokens[this.pos];
    if (!t || t.kind === 'string' || t.text !== text) this.fail(`\`${text}\``);
    this.pos++;
    return t;
  }
  word(expected: string): string {
    const t = this.tokens[this.pos];
    if (!t || (t.kind !== 'word' && t.kind !== 'string')) this.fail(expected);
    this.pos++;
    return t.text;
  }
  fail(expected: string, at = this.pos): never {
    const t = this.tokens[at];
    // Past the last token: point just after it (a rule inside a ruleset ends at its line, not the file's end).
    const last = this.tokens[this.tokens.length - 1];
    const end = last
      ? last.offset + (last.kind === 'string' ? last.text.length + 2 : last.text.length)
      : this.text.length;
    const offset = t ? t.offset : end;
    const found = t ? (t.kind === 'newline' ? 'end of line' : t.text) : 'end of input';
    throw new ParseError(positionAt(this.text, offset), expected, found, this.source);
  }
  /** The source text of tokens [from, to). */
  slice(from: number, to = this.pos): string {
    return this.tokens
      .slice(from, to)
      .map((t) => (t.kind === 'string' ? `"${t.text}"` : t.text))
      .join(' ');
  }
}

/** nft reads numbers with strtoull base 0: `0x` hex, leading-0 octal, else decimal. Null when not a number. */
export function nftNumber(text: string): number | null {
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) n = Number.parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) n = Number.parseInt(text.slice(1), 8);
  else if (/^[0-9]+$/.test(text)) n = Number(text);
  else return null;
  return n;
}
