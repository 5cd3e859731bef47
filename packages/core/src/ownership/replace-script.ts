// The one nft script that replaces Markwright's table: printed by `compile --to nft` and loaded by apply.

/** The set inside our table that carries the digest of the loaded body, so read-back is one small listing. */
export const DIGEST_SET = 'deployment_digest';

/** Deletes the table whether or not it exists (the `add` makes the `delete` always valid), in one batch. */
export const replaceHeader = (table: string): string =>
  `add table inet ${table}\ndelete table inet ${table}\n`;

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
 * The full `nft -f` script for a table body (`table inet NAME { ... }`, or '' for no table): replace header,
 * body and the digest set, all in one transaction. Other tables are never named.
 */
export function replaceScript(body: string, table: string): string {
  const header = replaceHeader(table);
  if (body.trim() === '') return header;
  const digest = digestOf(body);
  return (
    `${header}${body.endsWith('\n') ? body : `${body}\n`}` +
    `add set inet ${table} ${DIGEST_SET} { type mark; }\n` +
    `add element inet ${table} ${DIGEST_SET} { 0x${digest.toString(16).padStart(8, '0')} }\n`
  );
}
