import { constantWrite, sourcedWrite } from '../bits/algebra';
import { bitsOf } from '../bits/u32';
import type { Rule } from '../ir/types';
import type { Flavour } from './packet-match';

// Persisted fields travel with the connection: their fwmark bits are saved into the ct mark on a connection's
// first packet and restored from it on later packets (and on related connections, which inherit the ct mark).
// xt CONNMARK does each in one masked rule. nft before 1.1.2 (kernel before 6.13) cannot combine two marks in
// one expression, and `meta mark set ct mark & P` would clear every bit outside P, so the nft form clears P
// and then sets each bit of P that is set in the source mark: one rule per bit, other bits untouched.

const ESTABLISHED: Rule['exprs'][number] = {
  kind: 'ctstate',
  states: ['established', 'related'],
  invert: false,
};
const NEW: Rule['exprs'][number] = { kind: 'ctstate', states: ['new'], invert: false };

function copyBits(
  from: 'meta' | 'ct',
  mask: number,
  flavour: Flavour,
  guard: Rule['exprs'][number],
  comment: string,
): Rule[] {
  const to = from === 'ct' ? 'meta' : 'ct';
  if (mask === 0) return [];
  if (flavour === 'iptables') {
    // CONNMARK --restore-mark/--save-mark --nfmask P --ctmask P: dst = (dst & ~P) ^ (src & P).
    return [
      {
        exprs: [
          guard,
          { kind: 'markWrite', write: sourcedWrite(to, ~mask, { space: from, take: mask, shift: 0 }) },
        ],
        comment,
      },
    ];
  }
  const rules: Rule[] = [
    { exprs: [guard, { kind: 'markWrite', write: constantWrite(to, ~mask, 0) }], comment },
  ];
  for (const bit of bitsOf(mask)) {
    const b = 2 ** bit;
    rules.push({
      exprs: [
        guard,
        {
          kind: 'mark',
          key: { space: from, mask: b, shift: 0 },
          values: { kind: 'ranges', ranges: [[b, b]] },
          invert: false,
        },
        { kind: 'markWrite', write: constantWrite(to, ~b, b) },
      ],
      comment,
    });
  }
  return rules;
}

/** Rules restoring the persisted bits from the ct mark on packets of known connections. */
export const restoreRules = (mask: number, flavour: Flavour): Rule[] =>
  copyBits('ct', mask, flavour, ESTABLISHED, 'markwright: restore persisted fields');

/** Rules saving the persisted bits into the ct mark on a connection's first packet. */
export const saveRules = (mask: number, flavour: Flavour): Rule[] =>
  copyBits('meta', mask, flavour, NEW, 'markwright: save persisted fields');
