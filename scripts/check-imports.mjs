// The import rules of docs/architecture.md, checked: prints the package import graph, then every import that
// breaks a rule of scripts/import-rules.mjs (file:line, what, which rule). Exits 1 when any does.
//
//   node scripts/check-imports.mjs [ROOT]      ROOT defaults to this repository
import { resolve } from 'node:path';
import * as rules from './import-rules.mjs';
import { checkImports, formatGraph } from './lib/import-graph.mjs';

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'));
const repository = resolve(import.meta.dirname, '..');
const result = checkImports(root, rules);
console.log('package import graph (imports per edge):');
console.log(formatGraph(result));
if (root === repository)
  for (const c of rules.ALLOWED_FOLDER_CYCLES)
    console.log(`allowed folder cycle in ${c.package}: ${c.folders.join('/ <-> ')}/ (${c.why})`);
for (const violation of result.violations) console.log(`import rule broken: ${violation}`);
console.log(
  result.violations.length === 0
    ? `imports: ok (${result.fileCount} files, ${result.importCount} imports)`
    : `imports: ${result.violations.length} broken rule(s)`,
);
process.exit(result.violations.length === 0 ? 0 : 1);
