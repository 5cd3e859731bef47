import type { FieldSpace } from '../layout/types';
import type { VersionSpan } from './consumer-versions';

/** Bits a consumer uses in one mark: it writes them (set/or/xor/save/restore) or only matches on them. */
export interface ConsumerBits {
  readonly space: FieldSpace;
  readonly mask: number;
  readonly access: 'writes' | 'matches';
  readonly meaning: string;
  /** Only in these versions or modes (e.g. `< 1.100, nftables mode`); absent when always. */
  readonly versions?: string;
  /** The version part of `versions`, to choose the variant a box runs; absent when every version does it. */
  readonly span?: VersionSpan;
}

/** An inclusive band of ip rule priorities or routing table ids a consumer installs. */
export interface NumberBand {
  readonly from: number;
  readonly to: number;
  /** When it applies (e.g. `with mwan3 present`); absent when always. */
  readonly when?: string;
}

/** A global sysctl a consumer changes, and what that does to others. */
export interface SysctlChange {
  readonly name: string;
  readonly value: string;
  readonly effect: string;
  readonly versions?: string;
}

/** A specific mark a consumer sets or matches, as `(mark & mask) == value`. */
export interface ConsumerMark {
  readonly space: FieldSpace;
  readonly name: string;
  readonly value: number;
  readonly mask: number;
  readonly meaning: string;
}

/** How a consumer labels packets (skb->secmark) and connections: one label per packet, the last writer wins. */
export interface ConsumerLabels {
  /** Where its labelling rules run (table, chains, hooks). */
  readonly where: string;
  /** What it does with labels (SECMARK, CONNSECMARK --save/--restore). */
  readonly meaning: string;
  /** Only in these versions, modes or set-ups; absent when always. */
  readonly versions?: string;
}

/** Software on Linux that claims netfilter mark bits, as read from its own source (marks-facts.md section B). */
export interface KnownConsumer {
  readonly id: string;
  readonly name: string;
  readonly bits: readonly ConsumerBits[];
  readonly marks: readonly ConsumerMark[];
  /** Spaces in which some of its writes replace all 32 bits, whatever other software put there. */
  readonly overwritesWholeMark: readonly FieldSpace[];
  /** Which write replaces the whole mark, and when. */
  readonly wholeMarkNote?: string;
  /** Sets net.ipv4.conf.all.src_valid_mark=1, which makes reverse-path lookups see the fwmark. */
  readonly setsSrcValidMark: boolean;
  /** Versions that set it, when not all. */
  readonly srcValidMarkSpan?: VersionSpan;
  /** Routing tables and ip rule priorities it installs. */
  readonly tables?: readonly number[];
  readonly rulePriorities?: readonly number[];
  /** Wider bands of ip rule priorities and table ids it uses (ranges, or ones that depend on a setting). */
  readonly priorityBands?: readonly NumberBand[];
  readonly tableBands?: readonly NumberBand[];
  /** Packet and connection security labels it sets, when it labels packets. */
  readonly labels?: ConsumerLabels;
  /** Global sysctls besides src_valid_mark that it changes. */
  readonly sysctls?: readonly SysctlChange[];
  /** Versions in which the whole-mark overwrite happens, when not all. */
  readonly wholeMarkVersions?: string;
  /** The version part of `wholeMarkVersions`. */
  readonly wholeMarkSpan?: VersionSpan;
  /** How to move its bits, bands or tables out of the way, when it has settings for that. */
  readonly settings?: string;
  readonly notes?: string;
  /** Where the facts come from (repository and file). */
  readonly source: string;
  /** False when the facts could not be checked against the consumer's own code. */
  readonly verified: boolean;
  /** No longer current upstream, but still found on running systems. */
  readonly historical?: boolean;
}
