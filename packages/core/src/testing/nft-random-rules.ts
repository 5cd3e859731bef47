import fc from 'fast-check';

// Random nft rule bodies about marks, written the many ways admins write them (decimal/hex, keywords or
// symbols, masks, shifts, ranges, sets, maps), with a share of invalid ones. nft is the judge.

const hexOrDec = (n: number): fc.Arbitrary<string> =>
  fc.constantFrom(
    String(n),
    `0x${n.toString(16)}`,
    `0x${n.toString(16).padStart(8, '0')}`,
    `0X${n.toString(16).toUpperCase()}`,
  );

const interesting = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0, 1, 0xff, 0xff00, 0xffff, 0xffff0000, 0xffffff00, 0xffffffff, 0x100, 0x4000),
  fc
    .tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 8 }))
    .map(([o, w]) => ((2 ** w - 1) * 2 ** o) % 2 ** 32),
);

export const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: interesting.chain(hexOrDec) },
  { weight: 1, arbitrary: fc.constantFrom('4294967296', '0x1ffffffff', '010', '-1', '0x', '12abc') },
);

const markSel = fc.constantFrom('meta mark', 'mark', 'ct mark');
const bitOp = fc.constantFrom('&', 'and', '|', 'or', '^', 'xor');
const shiftOp = fc.constantFrom('<<', '>>', 'lshift', 'rshift');
const shiftAmount = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 1, max: 31 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 32, 33) },
);

/** A value for `... mark set`: a mark or constant put through a few operations. */
export const valueExpr: fc.Arbitrary<string> = fc
  .record({
    base: fc.oneof({ weight: 5, arbitrary: markSel }, { weight: 1, arbitrary: numberText }),
    ops: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(bitOp, numberText).map(([o, n]) => `${o} ${n}`) },
        { weight: 1, arbitrary: fc.tuple(shiftOp, shiftAmount).map(([o, n]) => `${o} ${n}`) },
        { weight: 1, arbitrary: fc.tuple(bitOp, markSel).map(([o, m]) => `${o} ${m}`) },
      ),
      { maxLength: 3 },
    ),
    paren: fc.boolean(),
    tail: fc.option(
      fc.tuple(shiftOp, shiftAmount).map(([o, n]) => `${o} ${n}`),
      { nil: undefined, freq: 4 },
    ),
  })
  .map(({ base, ops, paren, tail }) => {
    const inner = [base, ...ops].join(' ');
    if (paren && tail && ops.length) return `(${inner}) ${tail}`;
    return inner;
  });

const relOp = fc.constantFrom('', '==', '!=', 'eq', 'ne', '<', '>', '<=', '>=');

/** Sorted, disjoint elements, each a value or a range. */
const setElements = fc
  .uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 6 })
  .map((ps) => [...ps].sort((a, b) => a - b))
  .chain((ps) =>
    fc.array(fc.boolean(), { minLength: ps.length, maxLength: ps.length }).map((asRange) => {
      const out: string[] = [];
      for (let i = 0; i < ps.length; i++) {
        if (asRange[i] && i + 1 < ps.length && ps[i + 1]! > ps[i]! + 1) {
          out.push(`${ps[i]}-0x${ps[i + 1]!.toString(16)}`);
          i++;
        } else out.push(String(ps[i]));
      }
      return out;
    }),
  );

const matchExpr: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(markSel, relOp, numberText).map(([m, op, v]) => `${m}${op ? ` ${op}` : ''} ${v}`),
  fc
    .tuple(markSel, fc.constantFrom('&', 'and'), numberText, fc.constantFrom('', '==', '!='), numberText)
    .map(([m, a, mask, op, v]) => `${m} ${a} ${mask}${op ? ` ${op}` : ''} ${v}`),
  fc
    .tuple(markSel, fc.constantFrom('^', 'xor'), numberText, fc.constantFrom('==', '!='), numberText)
    .map(([m, x, c, op, v]) => `${m} ${x} ${c} ${op} ${v}`),
  fc
    .tuple(
      markSel,
      fc.constantFrom('', '!= '),
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 0, max: 1000 }),
    )
    .map(([m, neg, a, b]) => `${m} ${neg}${a}-${b}`),
  fc
    .tuple(markSel, fc.constantFrom('', '!= ', '& 0xff == '), setElements)
    .map(([m, pre, els]) => `${m} ${pre}{ ${els.join(', ')} }`),
  fc
    .tuple(markSel, interesting, fc.integer({ min: 0, max: 32 }))
    .map(([m, v, n]) => `${m} 0x${v.toString(16)}/${n}`),
);

const statement: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(markSel, valueExpr).map(([m, v]) => `${m} set ${v}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(markSel, fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2, maxLength: 2 }))
      .map(([m, [a, b]]) => `${m} set tcp dport map { 22 : ${a}, 80 : 0x${b!.toString(16)} }`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(markSel, setElements).map(([m, els]) => {
      const verdicts = ['accept', 'drop', 'continue', 'return'];
      return `${m} vmap { ${els.map((e, i) => `${e} : ${verdicts[i % verdicts.length]}`).join(', ')} }`;
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'mark set mark and ~1',
      'meta mark set',
      'mark set 1 << 4',
      'ct mark set ct mark & 0xffff0000 | meta mark & 0xffff',
      'meta mark set ct mark >> 8 & 0xf map { 1 : 2 }',
      'meta mark >> 8 & 0xf vmap { 1 : accept }',
      'ct original mark 42',
      'meta mark set ip dscp',
      'ct mark set numgen inc mod 2',
      'meta mark set socket mark',
      'ct mark set jhash ip saddr mod 2',
      'meta mark set ip saddr map { 10.0.0.1 : 1 }',
    ),
  },
);

/** One rule body: a few matches and statements about marks, sometimes with an interface, counter, verdict. */
export const randomMarkRule: fc.Arbitrary<string> = fc
  .record({
    iface: fc.option(fc.constantFrom('iifname "lo"', 'iifname lo', 'oifname eth*', 'iifname { "a", "b" }'), {
      nil: undefined,
      freq: 5,
    }),
    context: fc.option(
      fc.constantFrom(
        'ct state new,established',
        'ct state { related, new }',
        'tcp dport { 80, 22, 443 }',
        'ip saddr 10.1.2.3/8',
        'ip daddr { 192.0.2.1, 10.0.0.0/8 }',
        'meta l4proto tcp',
        'meta l4proto tcp tcp dport 22',
        'ip protocol udp udp dport 53',
        'meta l4proto { udp, tcp }',
        'ct direction reply',
        'tcp dport != 1-1024',
        'th dport 53',
      ),
      { nil: undefined, freq: 3 },
    ),
    match: fc.option(matchExpr, { nil: undefined, freq: 2 }),
    stmt: fc.option(statement, { nil: undefined, freq: 3 }),
    counter: fc.boolean(),
    verdict: fc.option(fc.constantFrom('accept', 'drop', 'return', 'continue'), { nil: undefined, freq: 3 }),
  })
  .map(({ iface, match, stmt, counter, verdict }) => {
    const parts = [iface, match, counter ? 'counter' : undefined, stmt, verdict].filter(
      (p) => p !== undefined,
    );
    return parts.length ? parts.join(' ') : 'meta mark 1';
  });
