import { MARKWRIGHT_RULE_PROTOCOL } from '@markwright/core/compile';
import type { OwnedState } from '../types';

/** What marks a thing as Markwright's on a box; configurable per call, these are the defaults. */
export interface Ownership {
  /** `proto` tag on our ip rules (core's MARKWRIGHT_RULE_PROTOCOL by default). */
  readonly ipRuleProtocol: number;
  /** Inclusive priority range our ip rules live in. */
  readonly ipRulePriorities: readonly [number, number];
  /** Inclusive tc filter `prio` range our filters live in. */
  readonly tcPriorities: readonly [number, number];
}

export const DEFAULT_OWNERSHIP: Ownership = {
  ipRuleProtocol: MARKWRIGHT_RULE_PROTOCOL,
  ipRulePriorities: [10000, 10999],
  tcPriorities: [49000, 49999],
};

export const OWNED_TABLE = 'markwright';
export const DIGEST_SET = 'deployment_digest';

/** Deletes our table whether or not it exists (the `add` makes the `delete` always valid), in one batch. */
export const REPLACE_HEADER = `add table inet ${OWNED_TABLE}\ndelete table inet ${OWNED_TABLE}\n`;

export const EMPTY_STATE: OwnedState = {
  nftScript: REPLACE_HEADER,
  ipRules: { v4: [], v6: [] },
  tcFilters: [],
};

/** FNV-1a over the table body: tags the loaded table so read-back needs one small set listing. */
export function digestOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The full script for a table body (`table inet markwright { ... }`, or '' for no table): replace header,
 * body, and the digest set, all in one `nft -f` transaction.
 */
export function wrapTableBody(body: string): string {
  if (body.trim() === '') return REPLACE_HEADER;
  const digest = digestOf(body);
  return (
    `${REPLACE_HEADER}${body.endsWith('\n') ? body : `${body}\n`}` +
    `add set inet ${OWNED_TABLE} ${DIGEST_SET} { type mark; }\n` +
    `add element inet ${OWNED_TABLE} ${DIGEST_SET} { 0x${digest.toString(16).padStart(8, '0')} }\n`
  );
}

/** The table body inside a wrapped script ('' when the script only removes the table). */
export function tableBodyOf(script: string): string {
  const start = script.indexOf(`table inet ${OWNED_TABLE} {`);
  if (start === -1) return '';
  const end = script.indexOf(`add set inet ${OWNED_TABLE} ${DIGEST_SET}`, start);
  return end === -1 ? script.slice(start) : script.slice(start, end);
}

/** The digest a wrapped script will leave in the kernel, or null for an empty table. */
export function scriptDigest(script: string): number | null {
  const body = tableBodyOf(script);
  return body.trim() === '' ? null : digestOf(body);
}

export function sameState(a: OwnedState, b: OwnedState): boolean {
  return JSON.stringify(normalised(a)) === JSON.stringify(normalised(b));
}

function normalised(s: OwnedState): OwnedState {
  return {
    nftScript: tableBodyOf(s.nftScript).trim(),
    ipRules: { v4: [...s.ipRules.v4].sort(), v6: [...s.ipRules.v6].sort() },
    tcFilters: [...s.tcFilters].sort(),
  };
}
