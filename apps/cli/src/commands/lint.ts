import { InputError, type IpRule, type LintFinding, type LintReport, type Route } from '@markwright/core';
import { parseBoxFile } from '@markwright/core/lang';
import { hasErrors, type LintBox, lintDocument, parseSysctls } from '@markwright/core/lint';
import {
  DEFAULT_OWNERSHIP,
  EnvironmentError,
  openRunner,
  parseTarget,
  readDocument,
  readLiveRouting,
  ToolError,
} from '@markwright/host';
import { flag, parseArgs } from '../args';
import { readTextFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE =
  'usage: markwright lint DOC [--target T | --routes FILE --ip-rules FILE] [--sysctls FILE] [--json]';

function readPart<K extends 'routes' | 'ipRules'>(file: string, part: K): NonNullable<LintBox[K]> {
  const text = readTextFile(file);
  try {
    return parseBoxFile(text, part, { source: file }).box[part] as NonNullable<LintBox[K]>;
  } catch (error) {
    throw error instanceof InputError ? error.within(file) : error;
  }
}

/** The box from files: `ip route show table all` and `ip rule show` (text or -j JSON), sysctls as sysctl -a prints. */
function boxFromFiles(routes?: string, ipRules?: string, sysctls?: string): LintBox {
  return {
    routes: routes ? (readPart(routes, 'routes') as readonly Route[]) : [],
    ipRules: ipRules ? (readPart(ipRules, 'ipRules') as readonly IpRule[]) : [],
    ...(sysctls !== undefined && { sysctls: parseSysctls(readTextFile(sysctls), sysctls) }),
  };
}

/** The target's routes and ip rules (every table, both families) and its interface sysctls (unless a file gives them). */
async function boxFromTarget(target: string, sysctls?: string): Promise<LintBox> {
  const live = await readLiveRouting(await openRunner(parseTarget(target)));
  return sysctls === undefined ? live : { ...live, sysctls: parseSysctls(readTextFile(sysctls), sysctls) };
}

const LABEL: Record<LintFinding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

export function lintText(report: LintReport): string {
  const lines = report.findings.map((f) => `${LABEL[f.severity]} ${f.code} ${f.path}: ${f.message}\n`);
  const count = (s: LintFinding['severity']) => report.findings.filter((f) => f.severity === s).length;
  const summary =
    report.findings.length === 0
      ? 'no findings'
      : `${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes`;
  return `${lines.join('')}${summary}\n`;
}

/** Run the design's representative flows and report what goes wrong; exit 1 when anything is an error. */
const lintCommand: Command = async (io) => {
  const args = parseArgs(io.args, ['target', 'routes', 'ip-rules', 'sysctls'], ['json']);
  const [file, extra] = args.positionals;
  if (!file) throw new InputError('DOC', file, `a document file is required (${USAGE})`);
  if (extra !== undefined) throw new InputError(extra, extra, `is not an option (${USAGE})`);
  const target = flag(args, 'target');
  const routes = flag(args, 'routes');
  const ipRules = flag(args, 'ip-rules');
  const sysctls = flag(args, 'sysctls');
  if (target !== undefined && (routes !== undefined || ipRules !== undefined)) {
    throw new InputError(
      '--target',
      target,
      `reads the box's routes and ip rules itself: give --target or --routes/--ip-rules, not both (${USAGE})`,
    );
  }
  const doc = readDocument(readTextFile(file), file);
  let box: LintBox;
  try {
    box =
      target !== undefined ? await boxFromTarget(target, sysctls) : boxFromFiles(routes, ipRules, sysctls);
  } catch (error) {
    if (error instanceof EnvironmentError || error instanceof ToolError) {
      io.stderr(`markwright: ${error.message}\n`);
      return EXIT.environment;
    }
    throw error;
  }
  const report = lintDocument(doc, box, { ruleProtocol: DEFAULT_OWNERSHIP.ipRuleProtocol });
  io.stdout(args.switches.has('json') ? `${JSON.stringify(report)}\n` : lintText(report));
  return hasErrors(report) ? EXIT.badInput : EXIT.ok;
};

export default lintCommand;
