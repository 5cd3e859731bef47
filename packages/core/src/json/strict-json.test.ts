import { describe, expect, it } from 'vitest';
import { JsonTextError, MAX_JSON_DEPTH, parseStrictJson } from './strict-json';

const failure = (text: string): JsonTextError => {
  try {
    parseStrictJson(text);
  } catch (error) {
    if (error instanceof JsonTextError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
};

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads', () => {
    const samples = [
      '{"a": [1, -2.5e3, true, false, null, "x\\ny\\u00e9\\"\\\\\\/"], "b": {}, "c": []}',
      '  "plain"  ',
      '0',
      '{"__proto__": {"polluted": 1}}',
      JSON.stringify({
        nftables: [{ rule: { expr: [{ mangle: { key: { meta: { key: 'mark' } }, value: 1 } }] } }],
      }),
    ];
    for (const text of samples) expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(parseStrictJson('{"__proto__": {"x": 1}}'))).toBe(Object.prototype);
  });

  it('skips a byte-order mark and counts offsets in the text', () => {
    expect(parseStrictJson('\ufeff{"a": 1}')).toEqual({ a: 1 });
    expect(failure('\ufeff{"a" 1}').offset).toBe(6);
  });

  it('refuses a key given twice, naming its path', () => {
    const e = failure('{"layout": {"fields": [{"name": "a", "name": "b"}]}}');
    expect(e).toMatchObject({
      kind: 'duplicate',
      path: 'layout.fields[0].name',
      reason: 'duplicate key "name"',
    });
    expect(e.offset).toBe(37);
    expect(failure('{"format": 1, "format": 2}').path).toBe('format');
  });

  it('refuses numbers beyond a double, naming the field', () => {
    expect(failure('{"layout": {"fields": [{"offset": 1e400}]}}')).toMatchObject({
      kind: 'range',
      path: 'layout.fields[0].offset',
      reason: 'number out of range: 1e400',
    });
    expect(failure('[-1e309]').kind).toBe('range');
    expect(parseStrictJson('1e-400')).toBe(0);
  });

  it('stops at a bounded depth instead of exhausting the stack', () => {
    const deep = `{"nftables":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(failure(deep)).toMatchObject({
      kind: 'depth',
      reason: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    const ok = `${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}`;
    expect(() => parseStrictJson(ok)).not.toThrow();
  });

  it('reports syntax errors with the offset', () => {
    expect(failure('{"a": 1,}')).toMatchObject({ kind: 'syntax', offset: 8 });
    expect(failure('{"a": "x\ty"}').reason).toBe('a control character must be escaped inside a string');
    expect(failure('[1] 2').reason).toBe('unexpected "2" after the value');
    expect(failure('').reason).toBe('expected a value, found the end of the text');
  });
});
