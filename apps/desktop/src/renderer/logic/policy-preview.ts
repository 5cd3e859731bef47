// The live preview of what the policy compiles to, computed in the page by core: the document is checked and
// compiled, then printed by each rule language as the loads that put it into the kernel. Any problem comes back
// as a message instead of a throw.

import { parseDocument } from '@markwright/core';
import { compileForLanguage } from '@markwright/core/compile';
import { LANGUAGES, type LanguageName, language } from '@markwright/core/lang';
import { type DraftDocument, draftToDocument } from './draft';

export type PreviewSyntax = LanguageName;

/** The preview tabs: one per language. */
export const PREVIEW_SYNTAXES: readonly { id: PreviewSyntax; title: string }[] = LANGUAGES.map((l) => ({
  id: l.name,
  title: l.title,
}));

export type Preview = { ok: true; text: string } | { ok: false; error: string };

export function previewDocument(draft: DraftDocument, syntax: PreviewSyntax): Preview {
  try {
    const doc = parseDocument(draftToDocument(draft));
    const lang = language(syntax);
    // Each load under the command that reads it (`iptables-restore`, `ip -4 -batch -`, ...), one per family.
    const units = lang.print(compileForLanguage(lang, doc));
    return { ok: true, text: units.map((u) => `# ${u.argv.join(' ')}\n${u.text}`).join('\n') };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
