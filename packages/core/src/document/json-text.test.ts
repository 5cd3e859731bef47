import { describe, expect, it } from 'vitest';
import { parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"a": [1]}', 'x.json')).toEqual({ a: [1] });
  });

  it('names the source, line and column of a syntax error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b" 2\n}', 'doc.json')).toThrow(
      /^doc\.json: is not valid JSON at line 3 column 7: /,
    );
    expect(() => parseJsonText('', 'empty.json')).toThrow(
      /^empty\.json: is not valid JSON \(the text is empty\)/,
    );
    expect(() => parseJsonText('{"a": ', 'cut.json')).toThrow(/^cut\.json: is not valid JSON /);
  });
});
