import { ctStateName } from '../../net/conntrack';
import { L4_NAMES } from './values';

// nft lists some integer types by name: protocols (`meta l4proto 17` lists as `udp`), fib address types
// (`fib saddr type 2` as `local`) and conntrack states (`ct state 8` as `new`).

const FIB_TYPES = [
  'unspec',
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
];

const integer = (w: string): number | null => {
  if (/^0x[0-9a-fA-F]+$/.test(w)) return Number.parseInt(w, 16);
  return /^[0-9]+$/.test(w) ? Number(w) : null;
};

/** The name nft lists for a value of this selector, or the word unchanged. */
export function symbolicValue(selector: string, word: string): string {
  const n = integer(word);
  if (n === null) return word;
  if (
    selector === 'meta l4proto' ||
    selector === 'l4proto' ||
    selector === 'ip protocol' ||
    selector === 'ip6 nexthdr'
  )
    return L4_NAMES[n] ?? word;
  if (/^fib .* type$/.test(selector)) return FIB_TYPES[n] ?? word;
  if (selector === 'ct state') return ctStateName(n) ?? word;
  return word;
}

/** Whether values of this selector are listed by name. */
export const hasSymbolicValues = (selector: string): boolean =>
  /^(meta l4proto|l4proto|ip protocol|ip6 nexthdr|ct state)$/.test(selector) ||
  /^fib .* type$/.test(selector);
