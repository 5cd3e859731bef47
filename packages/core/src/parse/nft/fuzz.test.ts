import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../bits/errors';
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
});
