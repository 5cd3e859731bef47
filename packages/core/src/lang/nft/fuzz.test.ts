import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../bits/errors';
import { parseNftJson } from './json';
import { normalizeNftRule } from './normalize';
import { parseNftText } from './text';

// Any input gets an answer: a canonical rule or an error naming the position; never a crash.
const WORDS = [
  'meta',
  'mark',
  'ct',
  'set',
  'and',
  'or',
  'xor',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '(',
  ')',
  '{',
  '}',
  ',',
  ':',
  ';',
  '==',
  '!=',
  '<',
  '>',
  '0x10',
  '5',
  '4294967296',
  '1-5',
  '0xff/24',
  '@s',
  'map',
  'vmap',
  'accept',
  'jump',
  'x',
  'counter',
  'tcp',
  'dport',
  'ip',
  'saddr',
  '10.0.0.1',
  'iifname',
  '"lo"',
  'secmark',
  'comment',
  '"c"',
  'socket',
  'jhash',
  'mod',
  'numgen',
  'inc',
  'fib',
  'daddr',
  '.',
  'type',
  'local',
  'queue',
  'to',
  'dnat',
  'reject',
  'with',
  'log',
  'prefix',
  'limit',
  'rate',
  '10/second',
  'original',
  'state',
  'new,established',
  '-',
  '/',
  '"',
  '#',
  '\\',
];

describe('nft parser robustness', () => {
  it('normalizeNftRule answers every token soup without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }), (words) => {
        const r = normalizeNftRule(words.join(' '));
        expect(typeof (r.ok ? r.text : r.message)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
  it('parseNftText throws only InputError on token soup inside a chain', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS, '\n', 'table', 'chain', 'hook', 'priority'), { maxLength: 16 }),
        (words) => {
          try {
            parseNftText(`table ip t {\n\tchain c {\n\t\t${words.join(' ')}\n\t}\n}\n`);
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('parseNftText throws only InputError on whole-file token soup', () => {
    const top = [
      ...WORDS,
      '\n',
      'table',
      'chain',
      'add',
      'rule',
      'define',
      '=',
      '$v',
      'flush',
      'ruleset',
      'inet',
      'elements',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...top), { maxLength: 24 }), (words) => {
        try {
          parseNftText(words.join(' '));
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('parseNftJson throws only InputError on malformed documents', () => {
    const key = fc.constantFrom(
      'table',
      'chain',
      'rule',
      'set',
      'map',
      'element',
      'secmark',
      'counter',
      'add',
      'flush',
    );
    const field = fc.constantFrom(
      'family',
      'table',
      'name',
      'chain',
      'expr',
      'elem',
      'type',
      'hook',
      'prio',
      'map',
    );
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.anything(),
    );
    const entry = fc.tuple(key, fc.dictionary(field, value, { maxKeys: 5 })).map(([k, v]) => ({ [k]: v }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
        try {
          parseNftJson({ nftables: entries });
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('parseNftJson throws only InputError on odd rule expressions', () => {
    const leaf = fc.oneof(
      fc.constant({ meta: { key: 'mark' } }),
      fc.constant({ ct: { key: 'mark' } }),
      fc.constant({ meta: { key: 'iifname' } }),
      fc.constant({ payload: { protocol: 'tcp', field: 'dport' } }),
      fc.integer({ min: -5, max: 2 ** 33 }),
      fc.constantFrom('0x10', 'eth0', '@s', 'established', ''),
      fc.constant(null),
    );
    const { expr } = fc.letrec((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(fc.constantFrom('&', '|', '^', '<<', '>>'), fc.array(tie('expr'), { maxLength: 3 }))
          .map(([op, a]) => ({ [op]: a })),
        fc.array(tie('expr'), { maxLength: 3 }).map((a) => ({ set: a })),
        fc.array(tie('expr'), { maxLength: 3 }).map((a) => ({ range: a })),
        fc.tuple(tie('expr'), tie('expr')).map(([k, d]) => ({ map: { key: k, data: d } })),
        fc.array(tie('expr'), { maxLength: 2 }),
      ),
    }));
    const stmt = fc.oneof(
      fc
        .tuple(fc.constantFrom('==', '!=', 'in', '<'), expr, expr)
        .map(([op, left, right]) => ({ match: { op, left, right } })),
      fc.tuple(expr, expr).map(([key, value]) => ({ mangle: { key, value } })),
      fc.tuple(expr, expr).map(([key, data]) => ({ vmap: { key, data } })),
      fc.constantFrom(
        { accept: null },
        { jump: { target: 'x' } },
        { counter: null },
        { reject: { type: 'icmp' } },
        'jump {\n}',
      ),
    );
    fc.assert(
      fc.property(fc.array(stmt, { maxLength: 4 }), (exprs) => {
        try {
          parseNftJson({ nftables: [{ rule: { family: 'ip', table: 't', chain: 'c', expr: exprs } }] });
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
