import type { PathFlag } from '../reports/types';
import type { CtLookup } from './conntrack';

/** How a packet ended: accepted out of `oif` ('' for local delivery), or dropped because routing failed. */
export interface PacketExit {
  readonly accepted: boolean;
  readonly oif: string;
  readonly local: boolean;
  /** The route lookup found no route, or a blackhole/unreachable/prohibit one. */
  readonly unroutable: boolean;
}

const where = (iface: string): string => (iface === '' ? 'the box itself' : iface);

/**
 * Whether a packet of a known connection went the wrong way. A reply must leave by the interface the connection
 * arrived on (or be delivered locally when the box opened it); a later packet must leave as the first one did.
 * Filter drops are not flagged: only routing decides the way.
 */
export function wrongWay(lookup: CtLookup | null, exit: PacketExit): PathFlag | null {
  if (!lookup || lookup.fresh) return null;
  const path = lookup.entry.path;
  if (!path) return null;
  if (lookup.direction === 'reply') {
    if (exit.unroutable) {
      return flag(`the reply has no route back to ${where(path.iif)}, where the connection arrived`);
    }
    if (!exit.accepted) return null;
    if (path.iif === '') {
      if (exit.local) return null;
      return flag(
        `the reply leaves by ${exit.oif || 'nowhere'} instead of reaching the box, which opened the connection`,
      );
    }
    if (exit.local)
      return flag(
        `the reply is delivered to the box instead of leaving by ${path.iif}, where the connection arrived`,
      );
    if (exit.oif === path.iif) return null;
    return flag(`the reply leaves by ${exit.oif || 'nowhere'}, but the connection arrived on ${path.iif}`);
  }
  if (exit.unroutable)
    return flag(`a later packet has no route, but the first one left by ${where(path.oif)}`);
  if (!exit.accepted || exit.oif === path.oif || (exit.local && path.oif === '')) return null;
  return flag(
    `a later packet leaves by ${exit.local ? 'the box itself' : exit.oif}, but the first one left by ${where(path.oif)}`,
  );
}

const flag = (message: string): PathFlag => ({ code: 'reply-path', message });
