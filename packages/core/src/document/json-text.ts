import { InputError } from '../bits/errors';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * JSON.parse with an error that names the source (a file name) and the position as line and column, whatever
 * wording the JavaScript engine uses.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lc = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : text.length;
    let where = 'at the end of the text';
    if (lc) where = `at line ${lc[1]} column ${lc[2]}`;
    else if (pos) {
      const { line, column } = lineColumn(text, offset);
      where = `at line ${line} column ${column}`;
    }
    if (text.trim() === '') where = '(the text is empty)';
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/,? in JSON at position \d+/, '');
    throw new InputError(source, text.slice(offset, offset + 20), `is not valid JSON ${where}: ${reason}`);
  }
}
