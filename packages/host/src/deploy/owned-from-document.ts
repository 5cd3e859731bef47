import { type MarkwrightDocument, parseDocument, parseJsonText } from '@markwright/core';
import { compileOwned } from '@markwright/core/compile';
import type { OwnedState } from '../types';
import type { Ownership } from './ownership';

/** Read and check a markwright/1 document (core's checks; InputError names the field). */
export function readDocument(text: string, source: string): MarkwrightDocument {
  return parseDocument(parseJsonText(text, source));
}

/** Everything Markwright will own for this document (core's compileOwned: what `compile` prints). */
export function ownedStateFromDocument(doc: MarkwrightDocument, ownership: Ownership): OwnedState {
  const { loads } = compileOwned(doc, ownership);
  return {
    nftScript: loads.nftScript,
    ipRules: { v4: [...loads.ipRules.v4], v6: [...loads.ipRules.v6] },
    tcFilters: [...loads.tcFilters],
  };
}
