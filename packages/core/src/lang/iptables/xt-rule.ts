import type { XtConnmarkTargetInfo, XtMarkMatchInfo, XtMarkTargetInfo } from '../../bits/xt-mark';
import type { Cidr, CtState, Range } from '../../ir/types';

// An iptables rule as libxtables understands it: the generic part, the match modules in load order, and one
// target. It sits between the text and the IR so that normalize can print exactly what iptables-save prints
// (`-m state` stays `-m state`, unknown extensions keep their words) while the IR stays syntax-neutral.

export interface XtAddr {
  /** As iptables-save prints it: `10.0.0.0/8`, `2001:db8::/64`; a host name stays as written. */
  readonly text: string;
  /** Absent for host names, which iptables resolves through DNS when the rule is loaded. */
  readonly cidr?: Cidr;
  readonly invert: boolean;
}

export interface XtIface {
  readonly name: string;
  readonly invert: boolean;
}

export interface XtProto {
  /** As iptables-save prints it (`tcp`, `ipv6-icmp`, `200`). */
  readonly name: string;
  readonly number: number;
  readonly invert: boolean;
}

export interface XtPorts {
  readonly ranges: readonly Range[];
  readonly invert: boolean;
}

/** What we understand of a module; absent when its words are only carried. */
export type XtModuleInfo =
  | { readonly kind: 'mark'; readonly match: XtMarkMatchInfo }
  | { readonly kind: 'ports'; readonly src?: XtPorts; readonly dst?: XtPorts; readonly either?: XtPorts }
  | { readonly kind: 'ctstate'; readonly states: readonly CtState[]; readonly invert: boolean }
  | { readonly kind: 'ctdir'; readonly direction: 'original' | 'reply'; readonly invert: boolean }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'MARK'; readonly info: XtMarkTargetInfo }
  | { readonly kind: 'CONNMARK'; readonly info: XtConnmarkTargetInfo }
  | { readonly kind: 'SECMARK'; readonly selctx: string }
  | { readonly kind: 'CONNSECMARK'; readonly mode: 'save' | 'restore' }
  | { readonly kind: 'REJECT'; readonly with: string };

/** A match (`-m name ...`) or target (`-j name ...`) module. */
export interface XtModule {
  readonly name: string;
  /** The option words after the name, exactly as iptables-save prints them ('' when none). */
  readonly text: string;
  readonly info?: XtModuleInfo;
  /** False when the module is not one we model: its words were carried as written. */
  readonly known: boolean;
  /** The option words as written (for opaque re-emission). */
  readonly words: readonly string[];
}

export type XtTarget =
  | { readonly kind: 'standard'; readonly name: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE' }
  | { readonly kind: 'chain'; readonly name: string; readonly goto: boolean }
  | { readonly kind: 'module'; readonly module: XtModule };

export interface XtRule {
  readonly src?: XtAddr;
  readonly dst?: XtAddr;
  readonly iif?: XtIface;
  readonly oif?: XtIface;
  readonly proto?: XtProto;
  readonly fragment?: { readonly invert: boolean };
  readonly matches: readonly XtModule[];
  readonly target?: XtTarget;
  /** `-c P B` inside the rule (iptables-restore): packet and byte counters. */
  readonly counters?: { readonly packets: number; readonly bytes: number };
}

/** Standard verdicts that are targets, not chains. */
export const STANDARD_TARGETS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'] as const;
