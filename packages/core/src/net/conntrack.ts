// Conntrack states as nft and iptables name them, and the bits the kernel stores them as.

export type ConntrackState = 'invalid' | 'new' | 'related' | 'established' | 'untracked';

/** Every state, in the order iptables-save prints them (nft accepts any order). */
export const CT_STATES: readonly ConntrackState[] = ['invalid', 'new', 'related', 'established', 'untracked'];

/** The state bits as the kernel stores them (NF_CT_STATE_*): the values nft compares `ct state` with. */
export const CT_STATE_BITS: Readonly<Record<ConntrackState, number>> = {
  invalid: 1,
  established: 2,
  related: 4,
  new: 8,
  untracked: 64,
};

const NAMES: ReadonlyMap<number, ConntrackState> = new Map(
  CT_STATES.map((s) => [CT_STATE_BITS[s], s] as [number, ConntrackState]),
);

/** The state a single bit stands for, as nft lists it; undefined for other values. */
export const ctStateName = (bit: number): ConntrackState | undefined => NAMES.get(bit);

/** The bit of a state name, or undefined when the word is not one. */
export const ctStateBit = (name: string): number | undefined =>
  Object.hasOwn(CT_STATE_BITS, name) ? CT_STATE_BITS[name as ConntrackState] : undefined;
