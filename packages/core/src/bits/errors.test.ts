import { describe, expect, it } from 'vitest';
import { InputError, printable } from './errors';

describe('messages echo input safely', () => {
  it('escapes control characters and bidi overrides in fields, values and reasons', () => {
    const error = new InputError('fields[0].name\u001b[2J', 'a\rb', 'bad \u202eeman');
    expect(error.message).toBe('fields[0].name\\x1b[2J: bad \\u202eeman (got "a\\rb")');
    expect(error.within('doc\u0007.json').message).toMatch(/^doc\\x07\.json: /);
  });

  it('keeps newlines and tabs when asked, for multi-line output', () => {
    expect(printable('a\tb\nc\u0000', true)).toBe('a\tb\nc\\x00');
    expect(printable('a\nb')).toBe('a\\x0ab');
  });
});
