import type { FieldSpace } from '../layout/types';

/** Bits a consumer uses in one mark: it writes them (set/or/xor/save/restore) or only matches on them. */
export interface ConsumerBits {
  readonly space: FieldSpace;
  readonly mask: number;
  readonly access: 'writes' | 'matches';
  readonly meaning: string;
}

/** A specific mark a consumer sets or matches, as `(mark & mask) == value`. */
export interface ConsumerMark {
  readonly space: FieldSpace;
  readonly name: string;
  readonly value: number;
  readonly mask: number;
  readonly meaning: string;
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
  /** Routing tables and ip rule priorities it installs. */
  readonly tables?: readonly number[];
  readonly rulePriorities?: readonly number[];
  readonly notes?: string;
  /** Where the facts come from (repository and file). */
  readonly source: string;
  /** False when the facts could not be checked against the consumer's own code. */
  readonly verified: boolean;
  /** No longer current upstream, but still found on running systems. */
  readonly historical?: boolean;
}
