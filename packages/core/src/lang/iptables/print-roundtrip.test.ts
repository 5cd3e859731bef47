import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connmarkTargetWrite, markTargetWrite } from '../../bits/xt-mark';
import type { CtState, Match, Rule, RuleExpr, Ruleset, Statement } from '../../ir/types';
import { emitIptablesRestore } from './print-restore';
import { emitIptablesRule } from './print-rule';
import { parseIptablesRule } from './rule';
import { parseIptablesSave } from './save';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const octet = fc.integer({ min: 0, max: 255 });

const addr = fc
  .record({
    dir: fc.constantFrom('src' as const, 'dst' as const),
    a: fc.tuple(octet, octet, octet, octet),
    prefix: fc.integer({ min: 0, max: 32 }),
    invert: fc.boolean(),
  })
  .map(({ dir, a, prefix, invert }): Match => {
    const n =
      (((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0) &
      (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
    const address = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
    return { kind: 'addr', dir, set: { kind: 'cidrs', cidrs: [{ family: 4, address, prefix }] }, invert };
  });

const markMatch = fc
  .record({
    space: fc.constantFrom('meta' as const, 'ct' as const),
    mask: u32,
    value: u32,
    invert: fc.boolean(),
  })
  .map(
    ({ space, mask, value, invert }): Match => ({
      kind: 'mark',
      key: { space, mask, shift: 0 },
      values: { kind: 'ranges', ranges: [[value, value]] },
      invert,
    }),
  );

const ctstate = fc
  .subarray(['invalid', 'new', 'related', 'established', 'untracked'] as CtState[], { minLength: 1 })
  .chain((states) => fc.boolean().map((invert): Match => ({ kind: 'ctstate', states, invert })));

const markWrite: fc.Arbitrary<Statement> = fc.oneof(
  fc
    .record({ mark: u32, mask: u32 })
    .map((info) => ({ kind: 'markWrite', write: markTargetWrite(info) }) as Statement),
  fc
    .record({
      mode: fc.constantFrom('set' as const, 'save' as const, 'restore' as const),
      ctmark: u32,
      ctmask: u32,
      nfmask: u32,
      shiftDir: fc.constantFrom('left' as const, 'right' as const),
      shiftBits: fc.integer({ min: 0, max: 31 }),
    })
    .map((info) => ({ kind: 'markWrite', write: connmarkTargetWrite(info) }) as Statement),
);

const verdict: fc.Arbitrary<Statement> = fc.constantFrom<Statement>(
  { kind: 'verdict', verdict: { kind: 'accept' } },
  { kind: 'verdict', verdict: { kind: 'drop' } },
  { kind: 'verdict', verdict: { kind: 'return' } },
  { kind: 'verdict', verdict: { kind: 'jump', target: 'MW_CHAIN' } },
  { kind: 'verdict', verdict: { kind: 'goto', target: 'MW_CHAIN' } },
);

/** Rules in the order the iptables parser produces: addresses, interface, protocol + ports, modules, target. */
const rule: fc.Arbitrary<Rule> = fc
  .record({
    src: fc.option(
      addr.map((m) => ({ ...m, dir: 'src' }) as Match),
      { nil: undefined },
    ),
    dst: fc.option(
      addr.map((m) => ({ ...m, dir: 'dst' }) as Match),
      { nil: undefined },
    ),
    iif: fc.option(fc.constantFrom('eth0', 'wg+', 'lo'), { nil: undefined }),
    proto: fc.option(fc.constantFrom(6, 17), { nil: undefined }),
    sport: fc.option(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 100 })), {
      nil: undefined,
    }),
    modules: fc.array(fc.oneof(markMatch, ctstate), { maxLength: 3 }),
    target: fc.option(fc.oneof(markWrite, verdict), { nil: undefined }),
    comment: fc.option(
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const exprs: RuleExpr[] = [];
    if (r.src) exprs.push(r.src);
    if (r.dst) exprs.push(r.dst);
    if (r.iif) exprs.push({ kind: 'iface', dir: 'in', names: [r.iif], invert: false });
    if (r.proto) exprs.push({ kind: 'l4proto', protos: [r.proto], invert: false });
    if (r.proto && r.sport) {
      const lo = r.sport[0];
      const hi = Math.min(65535, lo + r.sport[1]);
      exprs.push({
        kind: 'port',
        dir: 'src',
        proto: r.proto,
        values: { kind: 'ranges', ranges: [[lo, hi]] },
        invert: false,
      });
    }
    exprs.push(...r.modules);
    if (r.target) exprs.push(r.target);
    return { exprs, ...(r.comment !== undefined ? { comment: r.comment } : {}) };
  });

describe('iptables emit/parse round trip', () => {
  it('parse(emit(rule)) is the same rule', () => {
    fc.assert(
      fc.property(rule, (r) => {
        const text = emitIptablesRule(r, { family: 4 });
        const back = parseIptablesRule(text, { table: 'mangle', family: 4 });
        expect({ exprs: back.exprs, comment: back.comment }).toEqual({ exprs: r.exprs, comment: r.comment });
        // Emitting again gives the same text: the emitted form is canonical.
        expect(emitIptablesRule(back, { family: 4 })).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('parse(emit(ruleset)) is the same ruleset', () => {
    fc.assert(
      fc.property(
        fc.array(rule, { maxLength: 8 }),
        fc.constantFrom('accept' as const, 'drop' as const),
        (rules, policy) => {
          const rs = parseIptablesSave(
            `*mangle\n:PREROUTING ${policy.toUpperCase()} [0:0]\n:MW_CHAIN - [0:0]\nCOMMIT\n`,
          );
          const withRules: Ruleset = {
            tables: rs.tables.map((t) => ({
              ...t,
              chains: t.chains.map((c) => (c.name === 'MW_CHAIN' ? { ...c, rules } : c)),
            })),
          };
          const back = parseIptablesSave(emitIptablesRestore(withRules));
          const strip = (x: Ruleset) =>
            x.tables.map((t) => ({
              ...t,
              chains: t.chains.map((c) => ({
                ...c,
                rules: c.rules.map((q) => ({ exprs: q.exprs, comment: q.comment })),
              })),
            }));
          expect(strip(back)).toEqual(strip(withRules));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses what one iptables rule cannot say, naming where', () => {
    const twoTargets: Rule = {
      exprs: [
        { kind: 'markWrite', write: markTargetWrite({ mark: 1, mask: 1 }) },
        { kind: 'verdict', verdict: { kind: 'accept' } },
      ],
    };
    expect(() => emitIptablesRule(twoTargets, { family: 4, where: 'mangle PREROUTING #1' })).toThrow(
      /mangle PREROUTING #1: anything after the target/,
    );
    const markSet: Rule = {
      exprs: [
        {
          kind: 'mark',
          key: { space: 'meta', mask: 0xff, shift: 0 },
          values: { kind: 'ranges', ranges: [[1, 3]] },
          invert: false,
        },
      ],
    };
    expect(() => emitIptablesRule(markSet, { family: 4 })).toThrow(
      /mark match on a set, range or shifted mark/,
    );
    const nftOpaque: Rule = {
      exprs: [
        {
          kind: 'opaque',
          text: 'meta nftrace set 1',
          role: 'statement',
          readsMark: false,
          writesMark: false,
        },
      ],
    };
    expect(() => emitIptablesRule(nftOpaque, { family: 4 })).toThrow(/not an iptables target/);
    expect(() => emitIptablesRule({ exprs: [], comment: 'two\nlines' }, { family: 4 })).toThrow(/line break/);
  });

  it('writes unknown iptables extensions back word for word', () => {
    const r = parseIptablesRule(
      '-p tcp -m socket --transparent -m hashlimit --hashlimit-upto 5/sec --hashlimit-name "a b" -j TPROXY --on-port 1 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1',
      {
        table: 'mangle',
        family: 4,
      },
    );
    const opaque = r.exprs.filter((e) => e.kind === 'opaque');
    expect(opaque.map((e) => (e.kind === 'opaque' ? [e.readsMark, e.writesMark] : null))).toEqual([
      [true, true],
      [false, false],
      [true, true],
    ]);
    expect(emitIptablesRule(r, { family: 4 })).toBe(
      '-p tcp -m socket --transparent -m hashlimit --hashlimit-upto 5/sec --hashlimit-name "a b" -j TPROXY --on-port 1 --on-ip 0.0.0.0 --tproxy-mark 0x1/0x1',
    );
  });
});
