import { DEFAULT_OWNERSHIP, DIGEST_SET, digestOf, replaceHeader, replaceScript } from '@markwright/core';
import type { OwnedState } from '../types';

// What Markwright owns and the replace script are core values, shared with compile.
export { DEFAULT_OWNERSHIP, DIGEST_SET, digestOf, type Ownership } from '@markwright/core';

export const OWNED_TABLE = DEFAULT_OWNERSHIP.table;

/** Deletes our table whether or not it exists (the `add` makes the `delete` always valid), in one batch. */
export const REPLACE_HEADER = replaceHeader(OWNED_TABLE);

export const EMPTY_STATE: OwnedState = {
  nftScript: REPLACE_HEADER,
  ipRules: { v4: [], v6: [] },
  tcFilters: [],
  nft: null,
};

/**
 * The full script for a table body (`table inet markwright { ... }`, or '' for no table): replace header,
 * body, and the digest set, all in one `nft -f` transaction.
 */
export const wrapTableBody = (body: string): string => replaceScript(body, OWNED_TABLE);

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
