/** One word of an iptables rule line with the 1-based column it starts at. */
export interface Token {
  readonly text: string;
  readonly column: number;
  /** True when the word was written in double quotes (an empty quoted string is still a word). */
  readonly quoted: boolean;
}

/**
 * Split a rule line as iptables-restore does (add_param_to_argv): blanks separate words, double quotes group
 * them, and inside quotes a backslash takes the next character literally.
 */
export function tokenize(line: string, firstColumn = 1): Token[] {
  if (line.indexOf('"') === -1) return splitPlain(line, firstColumn);
  const out: Token[] = [];
  const n = line.length;
  // Words before the next quote, in a line spaced as iptables-save spaces it, are slices up to the next space.
  const spacedOnly = singleSpaced(line);
  // Position of the first quote at or after i; n when there is none.
  let nextQuote = line.indexOf('"');
  let i = 0;
  while (i < n) {
    if (isBlank(line.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    if (spacedOnly && nextQuote > i) {
      const space = line.indexOf(' ', i);
      const end = space === -1 ? n : space;
      if (end < nextQuote) {
        out.push({ text: line.slice(i, end), column: start + firstColumn, quoted: false });
        i = end;
        continue;
      }
    }
    if (spacedOnly && nextQuote === i) {
      // A whole word in quotes without escapes, as iptables-save writes comments: one slice.
      const close = line.indexOf('"', i + 1);
      if (close !== -1 && (close + 1 === n || line.charCodeAt(close + 1) === 32)) {
        const backslash = line.indexOf('\\', i + 1);
        if (backslash === -1 || backslash > close) {
          out.push({ text: line.slice(i + 1, close), column: start + firstColumn, quoted: true });
          i = close + 1;
          nextQuote = line.indexOf('"', i);
          if (nextQuote === -1) nextQuote = n;
          continue;
        }
      }
    }
    // The word is built from slices between quotes and escapes, not character by character.
    let text = '';
    let from = i;
    let quoted = false;
    let inQuote = false;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (!inQuote && isBlank(c)) break;
      if (c === 34) {
        text += line.slice(from, i);
        from = i + 1;
        inQuote = !inQuote;
        quoted = true;
      } else if (c === 92 && inQuote && i + 1 < n) {
        text += line.slice(from, i);
        from = i + 1; // the escaped character starts the next slice
        i++;
      }
      i++;
    }
    text += line.slice(from, i);
    if (inQuote) throw new UnterminatedQuote(start + firstColumn);
    out.push({ text, column: start + firstColumn, quoted });
    if (nextQuote < i) {
      nextQuote = line.indexOf('"', i);
      if (nextQuote === -1) nextQuote = n;
    }
  }
  return out;
}

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

/** True when words are separated by exactly one space, with no other blanks (what iptables-save writes). */
function singleSpaced(line: string): boolean {
  const n = line.length;
  if (n === 0) return true;
  if (line.charCodeAt(0) === 32 || line.charCodeAt(n - 1) === 32) return false;
  return (
    line.indexOf('  ') === -1 &&
    line.indexOf('\t') === -1 &&
    line.indexOf('\r') === -1 &&
    line.indexOf('\n') === -1
  );
}

/** The common case without quotes: words are slices between blanks. */
function splitPlain(line: string, firstColumn: number): Token[] {
  // iptables-save separates words by one space: the native split is much cheaper than a character loop.
  if (singleSpaced(line)) {
    const words = line === '' ? [] : line.split(' ');
    const out: Token[] = new Array(words.length);
    let column = firstColumn;
    for (let k = 0; k < words.length; k++) {
      const text = words[k]!;
      out[k] = { text, column, quoted: false };
      column += text.length + 1;
    }
    return out;
  }
  const out: Token[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    out.push({ text: line.slice(start, i), column: start + firstColumn, quoted: false });
  }
  return out;
}

/** Words of canonical option text (our own output: quoted only where saveString put quotes). */
export function wordsOf(text: string): string[] {
  if (text === '') return [];
  if (text.indexOf('"') === -1) return text.split(' ');
  return tokenize(text).map((t) => t.text);
}

export class UnterminatedQuote extends Error {
  constructor(readonly column: number) {
    super('unterminated double quote');
  }
}

/** Quote a word as iptables-save does for strings (xtables_save_string): always, escaping `"` and `\`. */
export const saveString = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** Quote a raw word only when it needs it, so opaque tokens re-read as the same words. */
export function quoteIfNeeded(word: string): string {
  if (word !== '' && !/[\s"\\]/.test(word)) return word;
  return saveString(word);
}
