import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitNftJson } from '../../emit/nft/json';
import { emitNftText } from '../../emit/nft/text';
import type { Ruleset } from '../../ir/types';
import { rulesetArb } from './ir-arbitrary.test-support';
import { parseNftJson } from './json';
import { parseNftText } from './text';

const comparable = (r: Ruleset): unknown =>
  JSON.parse(JSON.stringify(r, (k, v) => (k === 'source' || k === 'raw' || k === 'handle' ? undefined : v)));

describe('parse(emit(ir)) = ir on generated rulesets', () => {
  it('nft text', () => {
    fc.assert(
      fc.property(rulesetArb(false), (rs) => {
        expect(comparable(parseNftText(emitNftText(rs)))).toEqual(comparable(rs));
      }),
      { numRuns: 150 },
    );
  });
  it('nft JSON', () => {
    fc.assert(
      fc.property(rulesetArb(false), (rs) => {
        const json = JSON.parse(JSON.stringify(emitNftJson(rs)));
        expect(comparable(parseNftJson(json))).toEqual(comparable(rs));
      }),
      { numRuns: 150 },
    );
  });
});
