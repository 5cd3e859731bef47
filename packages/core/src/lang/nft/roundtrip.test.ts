import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../../ir/types';
import { rulesetArb } from '../../testing/nft-ir-arbitrary';
import { parseNftJson } from './json';
import { emitNftJson } from './print-json';
import { emitNftText } from './print-text';
import { parseNftText } from './text';

const comparable = (r: Ruleset): unknown =>
  JSON.parse(JSON.stringify(r, (k, v) => (k === 'source' || k === 'raw' || k === 'handle' ? undefined : v)));

// Generated rulesets grow with the run index; 80 runs reach the large ones, and a loaded machine needs the time.
describe('parse(emit(ir)) = ir on generated rulesets', () => {
  it('nft text', () => {
    fc.assert(
      fc.property(rulesetArb(false), (rs) => {
        expect(comparable(parseNftText(emitNftText(rs)))).toEqual(comparable(rs));
      }),
      { numRuns: 80 },
    );
  }, 120_000);
  it('nft JSON', () => {
    fc.assert(
      fc.property(rulesetArb(false), (rs) => {
        const json = JSON.parse(JSON.stringify(emitNftJson(rs)));
        expect(comparable(parseNftJson(json))).toEqual(comparable(rs));
      }),
      { numRuns: 80 },
    );
  }, 120_000);
  it('queue, reject and nat statements (not loadable in every test kernel, so not generated)', () => {
    const rs = parseNftText(
      'table ip t {\n\tchain c {\n\t\tmeta mark 0x00000001 queue flags bypass to 3\n\t\tmeta l4proto tcp reject with tcp reset\n\t\ttcp dport 53 redirect to :15053\n\t}\n}\n',
    );
    expect(rs.tables[0]!.chains[0]!.rules.map((r) => r.exprs[r.exprs.length - 1])).toEqual([
      { kind: 'verdict', verdict: { kind: 'queue', num: 3, bypass: true } },
      { kind: 'verdict', verdict: { kind: 'reject', with: 'tcp reset' } },
      { kind: 'nat', type: 'redirect', to: ':15053', text: 'redirect to :15053' },
    ]);
    expect(comparable(parseNftText(emitNftText(rs)))).toEqual(comparable(rs));
    expect(comparable(parseNftJson(JSON.parse(JSON.stringify(emitNftJson(rs)))))).toEqual(comparable(rs));
  });
});
