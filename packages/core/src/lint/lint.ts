import { compileDocument } from '../compile/compile-document';
import { MARKWRIGHT_RULE_PROTOCOL } from '../compile/options';
import { routesWithOwnedTables } from '../compile/tables';
import type { MarkwrightDocument } from '../document/types';
import type { BoxConfig } from '../ir/types';
import type { LintFinding, LintReport, LintSeverity } from '../reports/types';
import { Router } from '../simulate/routing';
import { fieldFindings, persistFindings, shadowedRuleFindings } from './design-checks';
import { hiddenIpRuleFindings, replyPathFindings, tableFindings } from './route-checks';
import { rpFilterFindings } from './rp-filter';
import { runFlows } from './run-flows';
import type { LintBox, LintOptions } from './types';

const RANK: Readonly<Record<LintSeverity, number>> = { error: 0, warning: 1, info: 2 };

/**
 * The box with the design on it: the document's rules and ip rules in place of ours, the tables it owns filled
 * (declared routes and routes copied from the box's interfaces, as apply writes them), the box's other routes kept.
 */
function boxWith(
  doc: MarkwrightDocument,
  box: LintBox,
  protocol: number,
): { box: BoxConfig; ours: BoxConfig } {
  const ours = compileDocument(doc, { ruleProtocol: protocol });
  return {
    ours,
    box: {
      ruleset: ours.ruleset,
      ipRules: [...box.ipRules.filter((r) => r.protocol !== String(protocol)), ...ours.ipRules],
      routes: routesWithOwnedTables(doc, box.routes, protocol),
      tcFilters: ours.tcFilters,
    },
  };
}

/**
 * Lint a design by running it: each policy rule's connection (first packet, reply, later packet) goes through the
 * simulator on the box's routes and ip rules, and what goes wrong is reported with the document path it is about.
 * Pure: the box is given (probed, or read from files). Throws InputError when the document does not compile.
 */
export function lintDocument(
  doc: MarkwrightDocument,
  given: LintBox = { routes: [], ipRules: [] },
  options: LintOptions = {},
): LintReport {
  const protocol = options.ruleProtocol ?? MARKWRIGHT_RULE_PROTOCOL;
  const { box, ours } = boxWith(doc, given, protocol);
  const flows = runFlows(doc, box);
  const findings: LintFinding[] = [
    ...fieldFindings(doc),
    ...persistFindings(doc),
    ...shadowedRuleFindings(doc, flows),
  ];
  if (given.routes.length === 0) {
    if (doc.policy.routes.length > 0) {
      findings.push({
        code: 'routing-unknown',
        severity: 'info',
        path: 'policy.routes',
        message:
          'routing was not checked: give the box (--target) or its routes and ip rules (--routes, --ip-rules)',
      });
    }
  } else {
    findings.push(
      ...replyPathFindings(doc, flows),
      ...tableFindings(doc, flows, ours.ipRules, box.routes),
      ...hiddenIpRuleFindings(doc, flows, ours.ipRules),
    );
    if (given.sysctls)
      findings.push(...rpFilterFindings(flows, new Router(box.ipRules, box.routes), given.sysctls));
  }
  findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return { findings };
}

/** True when a report has a finding that makes the design wrong (exit 1 for the command line). */
export const hasErrors = (report: LintReport): boolean => report.findings.some((f) => f.severity === 'error');
