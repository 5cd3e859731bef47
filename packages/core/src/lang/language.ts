import type { BoxConfig } from '../ir/types';

/** The languages Markwright reads and writes; each lives in `lang/<name>/`. */
export type LanguageName = 'nft' | 'iptables' | 'iproute' | 'tc';

/** The part of a box a file describes. */
export type BoxPart = 'ruleset' | 'ipRules' | 'routes' | 'tcFilters';

/** One kind of file a language reads, e.g. `nft list ruleset` text or `ip -j rule show` JSON. */
export interface FileKind {
  /** As `--syntax` takes it: `nft`, `nft-json`, `iptables`, `ip-rule-json`, `ip-route-json`, `tc-filter-json`. */
  readonly name: string;
  readonly part: BoxPart;
  /** The command that produces such a file, for messages and help. */
  readonly producedBy: string;
  /** argv that loads such a file from stdin, when the kernel tool can load it as it is. */
  readonly load?: readonly string[];
}

/** Input to a kernel tool: the argv that reads stdin, and the text to feed it. */
export interface LoadUnit {
  readonly argv: readonly string[];
  readonly text: string;
}

export interface ParseOptions {
  /** File name for messages. */
  readonly source?: string;
  /** Family of a file that holds one (iptables-save vs ip6tables-save, `ip -4`/`ip -6` listings). */
  readonly family?: 4 | 6;
  /** The device a `tc -j filter show` listing was taken on (the listing does not name it). */
  readonly dev?: string;
}

export interface PrintOptions {
  /** Print only this family's loads; default every family present. */
  readonly family?: 4 | 6;
}

export interface NormalizeOptions {
  /** iptables table the rule is added to; default filter. */
  readonly table?: string;
  readonly family?: 4 | 6;
}

export type NormalizeResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string };

/** What Markwright knows about one rule language: how to recognise, read, print and load it. */
export interface RuleLanguage {
  readonly name: LanguageName;
  /** Human name, e.g. `nftables`. */
  readonly title: string;
  readonly kinds: readonly FileKind[];
  /**
   * `both`: one load holds IPv4 and IPv6 (nft `inet` tables, tc); `per-family`: one load per family
   * (iptables-restore / ip6tables-restore, `ip -4 -batch` / `ip -6 -batch`).
   */
  readonly families: 'both' | 'per-family';
  /** Which policy rules compile feeds it: nft expressions, or xtables modules (CONNMARK, MARK). */
  readonly flavour: 'nft' | 'iptables';
  /** `compile --to` names that print this language (`ip6tables` fixes the family to 6). */
  readonly targets: readonly { readonly name: string; readonly family?: 4 | 6 }[];
  /** argv that loads this language's output from stdin, for one family when loads are per family. */
  loader(family?: 4 | 6): readonly string[];
  /** The kind of file this text is, or null when it is not written in this language. */
  detect(text: string): FileKind | null;
  /** Read a file of one of this language's kinds into the part of a box it describes. */
  parse(text: string, kind: FileKind, options?: ParseOptions): Partial<BoxConfig>;
  /** This language's part of a box, as the loads that put it into the kernel. */
  print(box: BoxConfig, options?: PrintOptions): LoadUnit[];
  /** One rule as the tool lists it back, or why the tool refuses it; absent for languages without rule lines. */
  normalize?(line: string, options?: NormalizeOptions): NormalizeResult;
}
