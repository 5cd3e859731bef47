import { resolve } from 'node:path';

/** The repository's root folder. */
export const repoRoot = resolve(import.meta.dirname, '../../..');

/** A folder of the shared corpus, read where it sits beside the repository (`../shared/corpus`), never copied in. */
export function corpusDir(sub = ''): string {
  return resolve(repoRoot, '../shared/corpus', sub);
}
