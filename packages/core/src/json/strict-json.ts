// A JSON reader that refuses what JSON.parse lets through silently: a key given twice (JSON.parse keeps the
// last), numbers beyond a double (JSON.parse gives Infinity, which prints as null), and nesting deep enough to
// exhaust the stack of whatever walks the value next. Errors carry the offset and the key path.

/** Deeper than any document or ruleset listing; shallow enough for recursive readers of the value. */
export const MAX_JSON_DEPTH = 256;

export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
  constructor(
    /** Character offset of the problem in the text. */
    readonly offset: number,
    /** Where in the value: `layout.fields[0].name`, or '' at the top. */
    readonly path: string,
    readonly reason: string,
    readonly kind: 'syntax' | 'duplicate' | 'range' | 'depth',
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS: readonly [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Parse JSON text strictly (see above); a leading byte-order mark is skipped. */
export function parseStrictJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const path: (string | number)[] = [];

  const pathText = (): string => {
    const text = path.map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? p : `.${p}`));
    // A path hundreds of levels deep says no more than its ends.
    return text.length > 8 ? `${text.slice(0, 4).join('')}...${text.slice(-2).join('')}` : text.join('');
  };
  const fail = (reason: string, kind: JsonTextError['kind'] = 'syntax', at = i): never => {
    throw new JsonTextError(at, pathText(), reason, kind);
  };
  const describeHere = (): string =>
    i >= text.length ? 'the end of the text' : `${JSON.stringify(text.slice(i, i + 12))}`;
  const space = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const expect = (char: string): void => {
    space();
    if (text[i] !== char) fail(`expected ${JSON.stringify(char)}, found ${describeHere()}`);
    i++;
  };

  const string = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      const from = i;
      for (let c = text.charCodeAt(i); c !== 0x22 && c !== 0x5c && c >= 0x20; c = text.charCodeAt(++i));
      out += text.slice(from, i);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === undefined) fail('a string is not closed', 'syntax', start);
      if (c !== '\\') fail('a control character must be escaped inside a string');
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('\\u must be followed by four hex digits');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i += 2;
      } else fail(`unknown escape \\${e ?? ''}`);
    }
  };

  const value = (depth: number): unknown => {
    space();
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth} levels`, 'depth');
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    for (const [word, literal] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return literal;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(`expected a value, found ${describeHere()}`);
    const n = Number(m[0]);
    if (!Number.isFinite(n)) fail(`number out of range: ${m[0]}`, 'range');
    i += m[0].length;
    return n;
  };

  const object = (depth: number): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    space();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      space();
      if (text[i] !== '"') fail(`expected a key in quotes, found ${describeHere()}`);
      const at = i;
      const key = string();
      if (Object.hasOwn(out, key)) {
        path.push(key);
        fail(`duplicate key ${JSON.stringify(key)}`, 'duplicate', at);
      }
      expect(':');
      path.push(key);
      const v = value(depth + 1);
      path.pop();
      // Defined, not assigned: a "__proto__" key stays a plain key, as with JSON.parse.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      space();
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return out;
      } else fail(`expected "," or "}", found ${describeHere()}`);
    }
  };

  const array = (depth: number): unknown[] => {
    i++;
    const out: unknown[] = [];
    space();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      path.push(out.length);
      out.push(value(depth + 1));
      path.pop();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return out;
      } else fail(`expected "," or "]", found ${describeHere()}`);
    }
  };

  const result = value(1);
  space();
  if (i < text.length) fail(`unexpected ${describeHere()} after the value`);
  return result;
}
