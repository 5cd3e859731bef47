import { InputError } from '../bits/errors';
import type { MarkwrightDocument } from '../document/types';
import type { BoxConfig } from '../ir/types';
import { type OwnedLoads, ownedLoads } from '../ownership/owned-loads';
import { DEFAULT_OWNERSHIP, type Ownership } from '../ownership/ownership';
import { compileDocument } from './compile-document';
import type { CompileFamilies } from './options';
import { ownedTables } from './tables';

/** Refuse ip rules and tc filters outside the owned ranges, naming the document field. */
function checkRanges(doc: MarkwrightDocument, box: BoxConfig, ownership: Ownership): void {
  const [lo, hi] = ownership.ipRulePriorities;
  for (const r of box.ipRules) {
    if (r.priority < lo || r.priority > hi) {
      const i = doc.policy.routes.findIndex((b) => b.priority === r.priority);
      throw new InputError(
        `policy.routes[${i}].priority`,
        r.priority,
        `must be within Markwright's ip rule range ${lo}..${hi}`,
      );
    }
  }
  const [tlo, thi] = ownership.tcPriorities;
  box.tcFilters.forEach((f, i) => {
    if (f.priority < tlo || f.priority > thi) {
      throw new InputError(
        `policy.classes[${i}].priority`,
        f.priority,
        `must be within Markwright's tc range ${tlo}..${thi}`,
      );
    }
  });
}

/**
 * The document compiled inside Markwright's ownership (its table, ip rule protocol, tc priorities), and the
 * text deploy loads for it: the one source of both `compile --to nft|ip-rule|tc` and apply.
 */
export function compileOwned(
  doc: MarkwrightDocument,
  ownership: Ownership = DEFAULT_OWNERSHIP,
  families?: CompileFamilies,
): { box: BoxConfig; loads: OwnedLoads } {
  const box = compileDocument(doc, {
    table: ownership.table,
    ruleProtocol: ownership.ipRuleProtocol,
    tcPriorityBase: ownership.tcPriorities[0],
    ...(families !== undefined && { families }),
  });
  checkRanges(doc, box, ownership);
  return {
    box,
    loads: ownedLoads(
      box,
      ownership,
      ownedTables(doc).map((t) => t.table),
    ),
  };
}
