import { InputError } from './errors';

export const U32_MAX = 0xffffffff;

/** Force a JS number into u32 range after bitwise work (JS bitwise results are signed i32). */
export const u32 = (n: number): number => n >>> 0;

export const isU32 = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= U32_MAX;

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/**
 * Parse a u32 as iptables, nft and iproute2 accept it: decimal or 0x-hex. Octal (leading 0) is read as decimal
 * digits only where it is plain `0`; iproute2's strtoul base 0 would read `010` as 8, so we refuse it as ambiguous.
 */
export function parseU32(text: string, field: string): number {
  const t = text.trim();
  if (t.startsWith('-')) throw new InputError(field, text, 'must not be negative');
  let n: number;
  if (HEX.test(t)) {
    const digits = t.slice(2).replace(/^0+(?=.)/, '');
    if (digits.length > 8) throw new InputError(field, text, 'is larger than 0xffffffff');
    n = Number.parseInt(digits, 16);
  } else if (DECIMAL.test(t)) {
    if (t.length > 1 && t.startsWith('0')) {
      throw new InputError(
        field,
        text,
        'has a leading zero (octal is ambiguous); write it in decimal or 0x-hex',
      );
    }
    if (t.length > 10) throw new InputError(field, text, 'is larger than 4294967295');
    n = Number(t);
  } else {
    throw new InputError(field, text, 'is not a number (expected decimal or 0x-hex)');
  }
  if (n > U32_MAX) throw new InputError(field, text, 'is larger than 0xffffffff');
  return n;
}

/** `0x4000`: the form iptables-save and iproute2 print. */
export const hex = (n: number): string => `0x${u32(n).toString(16)}`;

/** `0x00004000`: the form nft list prints mark values in. */
export const hex8 = (n: number): string => `0x${u32(n).toString(16).padStart(8, '0')}`;

/** Number of set bits. */
export function popcount(n: number): number {
  let x = u32(n);
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** Bit indexes (0 = LSB) set in n, ascending. */
export function bitsOf(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if ((n >>> i) & 1) out.push(i);
  return out;
}

/** `width` one-bits starting at `offset`. */
export function maskOf(offset: number, width: number): number {
  if (width >= 32) return U32_MAX;
  return u32(((2 ** width - 1) * 2 ** offset) >>> 0);
}

/**
 * Spread `value`'s low bits over the set bits of `mask`, LSB first (a software PDEP). This is how a value lives in a
 * non-contiguous field, as mwan3 packs interface ids into its mask.
 */
export function spreadBits(value: number, mask: number): number {
  let out = 0;
  let v = u32(value);
  for (let i = 0; i < 32 && v !== 0; i++) {
    if ((mask >>> i) & 1) {
      if (v & 1) out |= 1 << i;
      v >>>= 1;
    }
  }
  return u32(out);
}

/** The inverse of spreadBits: collect the bits of `mark` under `mask` into a small number, LSB first (PEXT). */
export function gatherBits(mark: number, mask: number): number {
  let out = 0;
  let j = 0;
  for (let i = 0; i < 32; i++) {
    if ((mask >>> i) & 1) {
      if ((mark >>> i) & 1) out += 2 ** j;
      j++;
    }
  }
  return out;
}

/** True when mask's set bits form one run (0 is not contiguous). */
export function isContiguous(mask: number): boolean {
  const m = u32(mask);
  if (m === 0) return false;
  const low = u32(m & -m);
  return u32(m + low) === 0 || (u32(m + low) & m) === 0;
}

/** Index of the lowest set bit, or -1 for 0. */
export const lowestBit = (n: number): number => (u32(n) === 0 ? -1 : 31 - Math.clz32(u32(n) & -u32(n)));
