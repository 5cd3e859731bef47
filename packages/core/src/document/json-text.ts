import { InputError } from '../bits/errors';
import { JsonTextError, parseStrictJson } from '../json/strict-json';

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parse JSON with errors that name the source (a file name), the line and column and, for a key given twice,
 * a number out of range or nesting too deep, the key path: `doc.json: layout.fields[0]: duplicate key "name"`.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const { line, column } = lineColumn(text, error.offset);
    const at = `at line ${line} column ${column}`;
    if (error.kind === 'syntax') {
      const where = text.trim() === '' ? '(the text is empty)' : at;
      throw new InputError(
        source,
        text.slice(error.offset, error.offset + 20),
        `is not valid JSON ${where}: ${error.reason}`,
      );
    }
    const field = error.path ? `${source}: ${error.path}` : source;
    throw new InputError(field, text.slice(error.offset, error.offset + 20), `${error.reason} ${at}`);
  }
}
