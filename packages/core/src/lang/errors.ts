import { InputError } from '../bits/errors';

/** Where in the input a parse error is: 1-based line and column. */
export interface ParsePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A syntax error in a ruleset, rule or command line. The message names the position, what was expected and
 * what was found, e.g. `line 3, column 14: expected a chain name (got "{")`.
 */
export class ParseError extends InputError {
  readonly line: number;
  readonly column: number;
  readonly expected: string;
  constructor(position: ParsePosition, expected: string, found: string, source = 'input') {
    super(`${source} line ${position.line}, column ${position.column}`, found, `expected ${expected}`);
    this.line = position.line;
    this.column = position.column;
    this.expected = expected;
  }
}

/** The 1-based line and column of a character offset in text. */
export function positionAt(text: string, offset: number): ParsePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
