import type { MarkSpace, MarkWrite } from '../bits/algebra-types';
import type { ConntrackState } from '../net/conntrack';

// The one Ruleset IR. Parsers (nft JSON/text, iptables-save, ip -j rule/route, tc -j filter) produce it;
// emitters, analysis and the simulator consume it. Numbers are u32 (0..0xffffffff) unless said otherwise.

export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';
export type ChainType = 'filter' | 'route' | 'nat';
/** Where a table came from: a native nft table, or an xtables table (iptables-save / iptables-nft). */
export type TableOrigin = 'nft' | 'iptables';

/** Inclusive range of unsigned integers; a single value is [v, v]. */
export type Range = readonly [lo: number, hi: number];

/** The whole netfilter side of a box. */
export interface Ruleset {
  readonly tables: readonly Table[];
}

/** Everything Markwright reads or writes on a box: netfilter, policy routing and tc. */
export interface BoxConfig {
  readonly ruleset: Ruleset;
  readonly ipRules: readonly IpRule[];
  readonly routes: readonly Route[];
  readonly tcFilters: readonly TcFilter[];
}

export interface Table {
  readonly family: Family;
  readonly name: string;
  readonly origin: TableOrigin;
  readonly chains: readonly Chain[];
  readonly sets: readonly NamedSet[];
  readonly secmarks: readonly SecmarkObject[];
  readonly flags?: readonly string[];
  readonly comment?: string;
  /** Stateful objects and flowtables the IR does not model (counter, quota, ct helper, flowtable ...), kept verbatim. */
  readonly objects?: readonly TableObject[];
}

/** An nft object block kept as written: `KIND NAME { BODY }`. */
export interface TableObject {
  /** `counter`, `quota`, `limit`, `ct helper`, `ct timeout`, `ct expectation`, `flowtable`, `synproxy` ... */
  readonly kind: string;
  readonly name: string;
  /** Body lines in nft syntax, e.g. `type "ftp" protocol tcp`; empty for `counter c {}`. */
  readonly body: readonly string[];
  /** The original nft JSON object, when read from JSON. */
  readonly raw?: unknown;
}

export interface BaseChainSpec {
  readonly type: ChainType;
  readonly hook: Hook;
  readonly priority: number;
  readonly policy: 'accept' | 'drop';
  readonly device?: string;
}

export interface Chain {
  readonly name: string;
  /** Present for base chains (and iptables built-in chains); absent for regular chains. */
  readonly base?: BaseChainSpec;
  readonly rules: readonly Rule[];
}

export interface Rule {
  /** Matches and statements in evaluation order (nft allows them interleaved). */
  readonly exprs: readonly RuleExpr[];
  readonly comment?: string;
  readonly handle?: number;
  readonly counters?: { readonly packets: number; readonly bytes: number };
  /** Where the rule was read from, for error messages and traces. */
  readonly source?: SourceRef;
}

export interface SourceRef {
  readonly line: number;
  readonly text: string;
}

export type RuleExpr = Match | Statement;

// ---- Matches ------------------------------------------------------------------------------------

/** `(space & mask) >> shift` (shift < 0) or `<< shift` (shift > 0): the thing a mark match or map looks up. */
export interface MarkKey {
  readonly space: MarkSpace;
  readonly mask: number;
  readonly shift: number;
}

/** A value set: literal ranges, or a reference to a named set (`@name`) of the same table. */
export type ValueSet =
  | { readonly kind: 'ranges'; readonly ranges: readonly Range[] }
  | { readonly kind: 'setRef'; readonly name: string };

/** Address prefix like `10.0.0.0/8` or `2001:db8::/32`; a bare address is a /32 or /128. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefix: number;
}

export type AddrSet =
  | { readonly kind: 'cidrs'; readonly cidrs: readonly Cidr[] }
  | { readonly kind: 'addrRanges'; readonly family: 4 | 6; readonly ranges: readonly [string, string][] }
  | { readonly kind: 'setRef'; readonly name: string };

/** A conntrack state name (the vocabulary lives in net/conntrack). */
export type CtState = ConntrackState;

export type Match =
  /** `((key) in values) != invert`. The classic `(mark & m) == v` is key {mask m, shift 0}, values [[v, v]]. */
  | { readonly kind: 'mark'; readonly key: MarkKey; readonly values: ValueSet; readonly invert: boolean }
  /** Interface by name; a trailing `*` (nft) or `+` (iptables) is a prefix wildcard, kept as written. */
  | {
      readonly kind: 'iface';
      readonly dir: 'in' | 'out';
      readonly names: readonly string[];
      readonly invert: boolean;
      /** nft `iif`/`oif`: matched by interface index (resolved when the rule is loaded), not by name. */
      readonly byIndex?: boolean;
    }
  | { readonly kind: 'l3proto'; readonly family: 4 | 6; readonly invert: boolean }
  | { readonly kind: 'addr'; readonly dir: 'src' | 'dst'; readonly set: AddrSet; readonly invert: boolean }
  /** Layer-4 protocol numbers (6 tcp, 17 udp, 1 icmp, 58 ipv6-icmp, ...). */
  | { readonly kind: 'l4proto'; readonly protos: readonly number[]; readonly invert: boolean }
  | {
      readonly kind: 'port';
      readonly dir: 'src' | 'dst';
      /** The protocol the port belongs to (`tcp dport`), or null for `th dport` / multiport without -p. */
      readonly proto: number | null;
      readonly values: ValueSet;
      readonly invert: boolean;
    }
  | { readonly kind: 'ctstate'; readonly states: readonly CtState[]; readonly invert: boolean }
  | { readonly kind: 'ctdirection'; readonly direction: 'original' | 'reply'; readonly invert: boolean }
  /** Secmark labels are opaque strings (SELinux contexts or nft secmark object names). */
  | {
      readonly kind: 'secmark';
      readonly space: MarkSpace;
      readonly label: string;
      readonly invert: boolean;
    }
  | OpaqueExpr;

/**
 * Anything the IR does not model, kept verbatim so nothing is dropped. The flags are conservative:
 * true when the construct may read or write mark bits (or when we cannot tell).
 */
export interface OpaqueExpr {
  readonly kind: 'opaque';
  readonly text: string;
  readonly role: 'match' | 'statement';
  readonly readsMark: boolean;
  readonly writesMark: boolean;
  /** The original structure (nft JSON object, or iptables tokens) for faithful re-emission. */
  readonly raw?: unknown;
}

// ---- Statements ---------------------------------------------------------------------------------

export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly with?: string }
  | { readonly kind: 'return' }
  | { readonly kind: 'continue' }
  | { readonly kind: 'jump'; readonly target: string }
  | { readonly kind: 'goto'; readonly target: string }
  | { readonly kind: 'queue'; readonly num?: number; readonly bypass?: boolean };

export type MapData =
  | { readonly kind: 'elements'; readonly entries: readonly MapEntry[] }
  | { readonly kind: 'mapRef'; readonly name: string };

export interface MapEntry {
  readonly key: Range;
  readonly value: number;
}

export interface VmapEntry {
  readonly key: Range;
  readonly verdict: Verdict;
}

export type Statement =
  | { readonly kind: 'markWrite'; readonly write: MarkWrite }
  /** `meta mark set <key> map { k : v, ... }`: dst gets the whole looked-up value (no match: rule stops). */
  | {
      readonly kind: 'markMap';
      readonly dst: MarkSpace;
      readonly key: MapKey;
      readonly map: MapData;
    }
  /**
   * Secmark: `set` writes a label to the packet (SECMARK, `meta secmark set "obj"`) or conntrack;
   * `copy` copies between packet and conntrack (nft semantics: always overwrites);
   * `connsecmark-save` / `connsecmark-restore`: xt CONNSECMARK semantics (only into an unlabelled destination).
   */
  | { readonly kind: 'secmarkSet'; readonly dst: MarkSpace; readonly label: string }
  | { readonly kind: 'secmarkCopy'; readonly dst: MarkSpace; readonly mode: 'copy' | 'connsecmark' }
  | { readonly kind: 'counter' }
  | { readonly kind: 'log'; readonly prefix?: string; readonly group?: number }
  | {
      readonly kind: 'nat';
      readonly type: 'snat' | 'dnat' | 'masquerade' | 'redirect';
      readonly to?: string;
      readonly text: string;
    }
  | { readonly kind: 'verdict'; readonly verdict: Verdict }
  | {
      readonly kind: 'vmap';
      readonly key: MapKey;
      readonly map:
        | { readonly kind: 'elements'; readonly entries: readonly VmapEntry[] }
        | { readonly kind: 'mapRef'; readonly name: string };
    }
  | OpaqueExpr;

/** What a map or vmap is keyed on. */
export type MapKey =
  | { readonly kind: 'mark'; readonly key: MarkKey }
  | { readonly kind: 'port'; readonly dir: 'src' | 'dst'; readonly proto: number | null }
  | { readonly kind: 'addr'; readonly dir: 'src' | 'dst'; readonly family: 4 | 6 }
  /** Unmodelled keys; `ct state` vmaps use this with keys that are ct state bits (new 8, established 2 ...). */
  | { readonly kind: 'opaque'; readonly text: string };

// ---- Sets and objects ---------------------------------------------------------------------------

export interface NamedSet {
  readonly name: string;
  /** nft type, e.g. `mark`, `ipv4_addr`, `inet_service`, `mark : verdict`. */
  readonly type: string;
  readonly isMap: boolean;
  readonly flags: readonly string[];
  /** For plain sets: the elements; for maps the keys. Addresses stay strings, numbers stay numbers. */
  readonly elements: readonly SetElement[];
  /** Set options the IR does not model (`size 65535`, `timeout 1h`, `counter`, `auto-merge` ...), as nft lines. */
  readonly extra?: readonly string[];
}

export type SetElement =
  | { readonly kind: 'range'; readonly range: Range; readonly value?: number | Verdict }
  | { readonly kind: 'cidr'; readonly cidr: Cidr; readonly value?: number | Verdict }
  /** Unmodelled keys; `ct state` vmaps use this with keys that are ct state bits (new 8, established 2 ...). */
  | { readonly kind: 'opaque'; readonly text: string };

export interface SecmarkObject {
  readonly name: string;
  readonly context: string;
}

// ---- Policy routing and tc ----------------------------------------------------------------------

export type IpRuleAction =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'goto'; readonly priority: number }
  | { readonly kind: 'blackhole' | 'unreachable' | 'prohibit' | 'nop' };

export interface IpRule {
  readonly family: 4 | 6;
  readonly priority: number;
  readonly not: boolean;
  readonly from?: Cidr;
  readonly to?: Cidr;
  readonly iif?: string;
  readonly oif?: string;
  /** `fwmark v/m`: matches when ((mark ^ v) & m) == 0. A bare `fwmark 0` has mask 0 and matches every packet. */
  readonly fwmark?: { readonly value: number; readonly mask: number };
  readonly action: IpRuleAction;
  readonly suppressPrefixlength?: number;
  /** Routing protocol tag (`proto`): a number or a name from rt_protos. */
  readonly protocol?: string;
  /** Keys we keep but do not model (tos, uidrange, ipproto, sport, dport, l3mdev ...). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type RouteType =
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'multicast'
  | 'anycast'
  | 'nat';

export interface Route {
  readonly family: 4 | 6;
  /** `main`, `local`, `default`, or a number as text. */
  readonly table: string;
  readonly type: RouteType;
  readonly dst: Cidr;
  readonly dev?: string;
  readonly gateway?: string;
  readonly metric?: number;
  readonly prefsrc?: string;
  readonly protocol?: string;
  readonly scope?: string;
}

export interface TcFilter {
  readonly dev: string;
  /** `ingress`, `egress`, `root` or a handle like `1:`. */
  readonly parent: string;
  readonly protocol: string;
  readonly priority: number;
  readonly classifier:
    | { readonly kind: 'fw'; readonly handle: number; readonly mask: number }
    | { readonly kind: 'u32-mark'; readonly value: number; readonly mask: number }
    /** Unmodelled keys; `ct state` vmaps use this with keys that are ct state bits (new 8, established 2 ...). */
    | { readonly kind: 'opaque'; readonly text: string };
  /** Target class `major:minor`, when the filter classifies. */
  readonly classid?: string;
}
