export { hasErrors, lintDocument } from './lint';
export { parseSysctls } from './sysctls';
export type { LintBox, LintCode, LintFinding, LintOptions, LintReport, LintSeverity } from './types';
