// The live preview of what the policy compiles to, computed in the page by core: the document is checked and
// compiled, then printed in the chosen syntax. Any problem comes back as a message instead of a throw.

import { parseDocument } from '@markwright/core';
import { compileDocument, compileIptablesRuleset } from '@markwright/core/compile';
import { emitIpRuleBatches, emitIptablesRestore, emitNftText, emitTcBatch } from '@markwright/core/emit';
import { type DraftDocument, draftToDocument } from './draft';

export type PreviewSyntax = 'nft' | 'iptables' | 'ip-rule' | 'tc';

export type Preview = { ok: true; text: string } | { ok: false; error: string };

export function previewDocument(draft: DraftDocument, syntax: PreviewSyntax): Preview {
  try {
    const doc = parseDocument(draftToDocument(draft));
    const box = compileDocument(doc);
    switch (syntax) {
      case 'nft':
        return { ok: true, text: emitNftText(box.ruleset) };
      case 'iptables': {
        // iptables-restore takes one family per file: show IPv4, then IPv6 when the policy has both.
        const ruleset = compileIptablesRuleset(doc);
        const families = [...new Set(ruleset.tables.map((t) => (t.family === 'ip6' ? 6 : 4)))].sort();
        const files = families.map(
          (family) =>
            `# ${family === 4 ? 'iptables' : 'ip6tables'}-restore\n${emitIptablesRestore(ruleset, { family })}`,
        );
        return { ok: true, text: files.join('\n') };
      }
      case 'ip-rule':
        // One `ip -batch` per family, as deploy feeds them (`ip -4 -batch -`, `ip -6 -batch -`).
        return {
          ok: true,
          text: emitIpRuleBatches(box.ipRules)
            .map((b) => `# ${b.argv.join(' ')}\n${b.text}`)
            .join('\n'),
        };
      case 'tc':
        return {
          ok: true,
          text: box.tcFilters.length === 0 ? '' : `# tc -batch -\n${emitTcBatch(box.tcFilters)}`,
        };
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
