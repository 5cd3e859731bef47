// Typed errors survive a trip through their JSON form with kind, field and message, and the exit code follows
// the kind; text that is not a report is never guessed at.
import { describe, expect, it } from 'vitest';
import { AuthRefused, EnvironmentError, LockHeld, ToolFailed } from './environment';
import { InputError, NotFound } from './input';
import {
  errorReport,
  errorShapeOf,
  exitCodeOf,
  InternalError,
  parseErrorReport,
  parseErrorShape,
  typedErrorFrom,
} from './report';

describe('error reports', () => {
  const cases: [Error, string, string | null, 1 | 2, new (...args: never[]) => Error][] = [
    [new InputError('--port', 'x', 'must be a port number'), 'input', '--port', 1, InputError],
    [new NotFound('--to', 'd9', 'no such deployment'), 'not-found', '--to', 1, NotFound],
    [new EnvironmentError('nft is missing'), 'environment', null, 2, EnvironmentError],
    [
      new LockHeld('another markwright operation (pid 7)', '/var/lib/x'),
      'lock-held',
      '/var/lib/x',
      2,
      LockHeld,
    ],
    [new AuthRefused('not authorised'), 'not-authorised', null, 2, AuthRefused],
    [new ToolFailed('nft -f - exited 1: Error'), 'tool-failed', null, 2, ToolFailed],
    [new TypeError('x is undefined'), 'internal', null, 2, InternalError],
  ];

  it.each(cases)(
    '%s keeps its kind, field and exit code across processes',
    (error, kind, field, exit, type) => {
      const report = errorReport(error);
      expect(report).toEqual({ ok: false, error: { kind, field, message: error.message } });
      expect(exitCodeOf(report.error.kind)).toBe(exit);
      const text = `some earlier output\n${JSON.stringify(report)}\n`;
      const again = typedErrorFrom(parseErrorReport(text)!);
      expect(again).toBeInstanceOf(type);
      expect(errorShapeOf(again)).toEqual(report.error);
    },
  );

  it('a lock held or a refused authorisation is still an environment error to code that only knows that', () => {
    expect(new LockHeld('held')).toBeInstanceOf(EnvironmentError);
    expect(new AuthRefused('no')).toBeInstanceOf(EnvironmentError);
    expect(new NotFound('x', 1, 'missing')).toBeInstanceOf(InputError);
  });

  it('escapes control characters so a message cannot rewrite the terminal', () => {
    const shape = errorShapeOf(new InputError('name', 'a\u001b[2Jb', 'bad'));
    expect(shape.message).toBe('name: bad (got "a\\u001b[2Jb")');
    expect(errorShapeOf(new EnvironmentError('line\nbreak')).message).toBe('line\\u000abreak');
  });

  it('finds no report in plain text, a success, or a malformed error', () => {
    expect(parseErrorReport('markwright: something failed\n')).toBeNull();
    expect(parseErrorReport('{"ok":true,"value":1}')).toBeNull();
    expect(parseErrorReport('{"ok":false,"error":{"kind":"boom","message":"x"}}')).toBeNull();
    expect(parseErrorShape({ kind: 'input', field: 3, message: 'x' })).toBeNull();
    expect(parseErrorShape({ kind: 'input', message: 'x' })).toEqual({
      kind: 'input',
      field: null,
      message: 'x',
    });
  });
});
