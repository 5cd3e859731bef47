import type { MarkwrightDocument } from '../document/types';
import type { BoxConfig } from '../ir/types';
import { DEFAULT_OWNERSHIP, type Ownership } from '../ownership/ownership';
import { compileDocument } from './compile-document';
import { routesWithOwnedTables } from './tables';

/**
 * The box as it would be with the document applied: Markwright's table, ip rules, owned routes and tc filters
 * replaced, everything else kept. The simulator, impact and lint run on this box, so they see what apply leaves.
 */
export function boxWithDocument(
  live: BoxConfig,
  doc: MarkwrightDocument,
  ownership: Ownership = DEFAULT_OWNERSHIP,
): BoxConfig {
  const ours = compileDocument(doc, {
    table: ownership.table,
    ruleProtocol: ownership.ipRuleProtocol,
    tcPriorityBase: ownership.tcPriorities[0],
  });
  const [tlo, thi] = ownership.tcPriorities;
  return {
    ruleset: {
      tables: [
        ...live.ruleset.tables.filter((t) => !(t.family === 'inet' && t.name === ownership.table)),
        ...ours.ruleset.tables,
      ],
    },
    ipRules: [
      ...live.ipRules.filter((r) => r.protocol !== String(ownership.ipRuleProtocol)),
      ...ours.ipRules,
    ],
    routes: routesWithOwnedTables(doc, live.routes, ownership.ipRuleProtocol),
    tcFilters: [...live.tcFilters.filter((f) => f.priority < tlo || f.priority > thi), ...ours.tcFilters],
  };
}
