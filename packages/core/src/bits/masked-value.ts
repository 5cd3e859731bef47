import { InputError } from './errors';
import { hex, parseU32, U32_MAX, u32 } from './u32';

/** `v/m` as iptables (`--mark v/m`), iproute2 (`fwmark v/m`) and tc (`handle v/m`) write it. */
export interface MaskedValue {
  readonly value: number;
  readonly mask: number;
}

export function maskedValue(value: number, mask = U32_MAX): MaskedValue {
  return { value: u32(value), mask: u32(mask) };
}

/** Parse `V` or `V/M`; the mask defaults to 0xffffffff, as in iptables and tc. */
export function parseMaskedValue(text: string, field: string): MaskedValue {
  const parts = text.trim().split('/');
  if (parts.length > 2 || parts[0] === '' || parts[1] === '') {
    throw new InputError(field, text, 'expected VALUE or VALUE/MASK');
  }
  const value = parseU32(parts[0]!, field);
  const mask = parts.length === 2 ? parseU32(parts[1]!, field) : U32_MAX;
  return { value, mask };
}

/** iptables-save form: ` 0xV` when the mask is full, else `0xV/0xM`. */
export function formatMaskedValue(mv: MaskedValue): string {
  return mv.mask === U32_MAX ? hex(mv.value) : `${hex(mv.value)}/${hex(mv.mask)}`;
}

/** True when value has bits outside mask: such a match can never succeed. */
export const hasBitsOutsideMask = (mv: MaskedValue): boolean => u32(mv.value & ~mv.mask) !== 0;
