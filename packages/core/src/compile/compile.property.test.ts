import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyWrite, evaluateWrite, matches } from '../bits/algebra';
import type { Marks } from '../bits/algebra-types';
import { InputError } from '../bits/errors';
import { u32 } from '../bits/u32';
import type { MarkwrightDocument } from '../document/types';
import type { CtState, Rule } from '../ir/types';
import { layoutMask } from '../layout/encode';
import type { Field } from '../layout/types';
import { compileDocument, compileIptablesRuleset } from './compile-document';
import { persistMask } from './field-bits';
import { restoreRules, saveRules } from './persist';

/** Run rules that hold only mark/ct state matches and mark writes, as the kernel would, in order. */
function runMarkRules(rules: readonly Rule[], start: Marks, state: CtState): Marks {
  let marks = start;
  for (const rule of rules) {
    let live = true;
    for (const expr of rule.exprs) {
      if (!live) break;
      if (expr.kind === 'ctstate') live = expr.states.includes(state) !== expr.invert;
      else if (expr.kind === 'mark') {
        const range = expr.values.kind === 'ranges' ? expr.values.ranges[0]! : null;
        if (!range || expr.key.shift !== 0) throw new Error('unexpected mark key');
        live = matches(
          { space: expr.key.space, mask: expr.key.mask, value: range[0], invert: expr.invert },
          marks,
        );
      } else if (expr.kind === 'markWrite') marks = applyWrite(expr.write, marks);
      else throw new Error(`unexpected ${expr.kind}`);
    }
  }
  return marks;
}

const u32Arb = fc.integer({ min: 0, max: 0xffffffff });

/** Random layouts: disjoint fields drawn from a shuffled list of bits, in either space, with random attributes. */
const layoutArb = fc
  .tuple(
    fc.shuffledSubarray([...Array(32).keys()], { minLength: 32, maxLength: 32 }),
    fc.shuffledSubarray([...Array(32).keys()], { minLength: 32, maxLength: 32 }),
    fc.array(
      fc.record({
        width: fc.integer({ min: 1, max: 4 }),
        space: fc.constantFrom('fwmark', 'connmark'),
        persist: fc.boolean(),
        newOnly: fc.boolean(),
      }),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
  )
  .map(([fwBits, ctBits, specs]) => {
    const free = { fwmark: [...fwBits], connmark: [...ctBits] };
    const fields: Field[] = [];
    specs.forEach((spec, i) => {
      const bits = free[spec.space as 'fwmark' | 'connmark'].splice(0, spec.width);
      const mask = bits.reduce((m, b) => u32(m | (2 ** b)), 0);
      fields.push({
        name: `f${i}`,
        space: spec.space as 'fwmark' | 'connmark',
        kind: spec.width === 1 ? 'flag' : 'int',
        mask,
        persist: spec.persist && spec.space === 'fwmark',
        newOnly: spec.newOnly,
      });
    });
    // Persisted fwmark bits land in the ct mark at the same positions: keep connmark fields clear of them.
    const persisted = fields.filter((f) => f.persist).reduce((m, f) => m | f.mask, 0);
    return fields.filter((f) => f.space === 'fwmark' || (f.mask & persisted) === 0);
  });

const docArb = layoutArb.chain((fields) =>
  fc
    .array(
      fc.record({
        hook: fc.constantFrom('prerouting', 'output', 'forward', 'postrouting'),
        set: fc.uniqueArray(fc.constantFrom(...fields), { minLength: 1, selector: (f) => f.name }),
        seed: fc.nat(),
      }),
      { maxLength: 5 },
    )
    .map(
      (rules): MarkwrightDocument => ({
        format: 'markwright/1',
        name: 'random',
        layout: { fields },
        policy: {
          rules: rules.map((r, i) => ({
            name: `rule ${i}`,
            hook: r.hook as 'prerouting',
            match: {},
            set: Object.fromEntries(
              r.set.map((f) => [f.name, f.kind === 'flag' ? r.seed % 2 : r.seed % 2 ** popcount(f.mask)]),
            ),
          })),
          routes: [],
          classes: [],
        },
      }),
    ),
);

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x; x &= x - 1) c++;
  return c;
}

describe('compiled writes never touch bits outside the layout', () => {
  it('holds for every mark write of random documents on random marks (nft and iptables forms)', () => {
    fc.assert(
      fc.property(docArb, u32Arb, u32Arb, (doc, meta, ct) => {
        const allowed = {
          meta: layoutMask(doc.layout, 'fwmark'),
          ct: u32(layoutMask(doc.layout, 'connmark') | persistMask(doc.layout)),
        };
        const tables = [...compileDocument(doc).ruleset.tables, ...compileIptablesRuleset(doc).tables];
        for (const rule of tables.flatMap((t) => t.chains.flatMap((c) => c.rules))) {
          for (const expr of rule.exprs) {
            if (expr.kind !== 'markWrite') continue;
            const before = expr.write.dst === 'meta' ? meta : ct;
            const after = evaluateWrite(expr.write, { meta, ct });
            expect(u32((before ^ after) & ~allowed[expr.write.dst])).toBe(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('persistence rules copy exactly the persisted bits', () => {
  const maskArb = u32Arb.filter((m) => popcount(m) <= 8);
  it('nft per-bit restore equals CONNMARK --restore-mark --nfmask P --ctmask P on established packets', () => {
    fc.assert(
      fc.property(maskArb, u32Arb, u32Arb, (p, meta, ct) => {
        const after = runMarkRules(restoreRules(p, 'nft'), { meta, ct }, 'established');
        expect(after).toEqual({ meta: u32((meta & ~p) | (ct & p)), ct });
        expect(runMarkRules(restoreRules(p, 'iptables'), { meta, ct }, 'related')).toEqual(after);
        expect(runMarkRules(restoreRules(p, 'nft'), { meta, ct }, 'new')).toEqual({ meta, ct });
      }),
    );
  });

  it('nft per-bit save equals CONNMARK --save-mark --nfmask P --ctmask P on new connections', () => {
    fc.assert(
      fc.property(maskArb, u32Arb, u32Arb, (p, meta, ct) => {
        const after = runMarkRules(saveRules(p, 'nft'), { meta, ct }, 'new');
        expect(after).toEqual({ meta, ct: u32((ct & ~p) | (meta & p)) });
        expect(runMarkRules(saveRules(p, 'iptables'), { meta, ct }, 'new')).toEqual(after);
        expect(runMarkRules(saveRules(p, 'nft'), { meta, ct }, 'established')).toEqual({ meta, ct });
      }),
    );
  });

  it('a flow keeps its persisted field: set and saved on the first packet, restored on the next', () => {
    fc.assert(
      fc.property(docArb, u32Arb, u32Arb, (doc, foreignMeta, foreignCt) => {
        const p = persistMask(doc.layout);
        const chain = compileDocument(doc).ruleset.tables[0]!.chains.find((c) => c.name === 'prerouting')!;
        const markRules = chain.rules.filter((r) =>
          r.exprs.every((e) => ['ctstate', 'mark', 'markWrite'].includes(e.kind)),
        );
        const first = runMarkRules(markRules, { meta: foreignMeta, ct: foreignCt }, 'new');
        expect(u32(first.ct & p)).toBe(u32(first.meta & p));
        // A later packet arrives with a different packet mark; the ct mark carries the persisted bits.
        const later = runMarkRules(
          markRules.filter((r) => r.comment?.startsWith('markwright:')),
          { meta: ~foreignMeta >>> 0, ct: first.ct },
          'established',
        );
        expect(u32(later.meta & p)).toBe(u32(first.meta & p));
        expect(u32(later.meta & ~p)).toBe(u32(~foreignMeta & ~p));
      }),
      { numRuns: 200 },
    );
  });
});

describe('compileDocument on arbitrary input', () => {
  const value = fc.oneof(
    fc.anything(),
    fc.constantFrom(
      'tcp',
      'udp',
      'icmp',
      'icmpv6',
      'lan0',
      'eth*',
      '10.0.0.0/8',
      '2001:db8::/32',
      '80-90',
      'isp2',
    ),
    fc.integer({ min: -2, max: 70000 }),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom('1-10', '5', 'x')), {
      maxLength: 3,
    }),
  );
  const matchArb = fc.dictionary(
    fc.constantFrom('iif', 'oif', 'proto', 'saddr', 'daddr', 'sport', 'dport', 'fields'),
    value,
  );
  it('returns a config or throws InputError, never anything else', () => {
    fc.assert(
      fc.property(
        docArb,
        fc.array(
          fc.oneof(
            fc.record({
              name: fc.oneof(fc.string(), value),
              hook: fc.oneof(fc.constantFrom('prerouting', 'output', 'forward', 'postrouting'), value),
              match: fc.oneof(matchArb, value),
              set: fc.oneof(fc.dictionary(fc.constantFrom('f0', 'f1', 'nope'), value), value),
            }),
            value,
          ),
          { maxLength: 3 },
        ),
        fc.array(
          fc.oneof(
            fc.record({
              when: fc.oneof(fc.dictionary(fc.constantFrom('f0', 'f1'), value), value),
              table: value,
              priority: value,
              family: value,
            }),
            value,
          ),
          { maxLength: 2 },
        ),
        fc.array(
          fc.oneof(
            fc.record({
              when: fc.oneof(fc.dictionary(fc.constantFrom('f0', 'f1'), value), value),
              dev: value,
              classid: value,
              parent: value,
              priority: value,
            }),
            value,
          ),
          { maxLength: 2 },
        ),
        fc.option(value, { nil: undefined, freq: 4 }),
        (doc, rules, routes, classes, extraField) => {
          const fields = extraField === undefined ? doc.layout.fields : [...doc.layout.fields, extraField];
          const fuzzed = {
            ...doc,
            layout: { fields },
            policy: { rules, routes, classes },
          } as unknown as MarkwrightDocument;
          try {
            compileDocument(fuzzed);
            compileIptablesRuleset(fuzzed);
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
