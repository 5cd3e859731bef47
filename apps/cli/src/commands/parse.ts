import { setFlagsFromString } from 'node:v8';
import { InputError } from '@markwright/core';
import {
  FILE_KINDS,
  parseRulesetFile,
  type RulesetSummary,
  summarizeRulesetFile,
} from '@markwright/core/lang';
import { flag, parseArgs } from '../args';
import { readTextFile } from '../input-file';
import { type Command, EXIT } from '../io';

const RULESET_KINDS = FILE_KINDS.filter((k) => k.kind.part === 'ruleset').map((k) => k.kind.name);
const SYNTAXES = ['auto', ...RULESET_KINDS];
const USAGE = `usage: markwright parse FILE [--syntax ${SYNTAXES.join('|')}] [--family 4|6] [--json]`;

/** Errors name the file they are about (the iptables reader already does). */
function withFileName<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError && !error.field.startsWith(file)) throw error.within(file);
    throw error;
  }
}

/** Input size (characters) above which the optimizing compiler is left on. */
const OPTIMIZER_THRESHOLD = 4_000_000;

/** The counts printed by `markwright parse`. */
export function printSummary(summary: RulesetSummary): string {
  let chains = 0;
  let rules = 0;
  const lines = summary.tables.map((t) => {
    chains += t.chains;
    rules += t.rules;
    return `  ${t.family} ${t.name} (${t.origin}): ${t.chains} chains, ${t.rules} rules`;
  });
  return [
    `tables: ${summary.tables.length}`,
    ...lines,
    `chains: ${chains}`,
    `rules: ${rules}`,
    `mark-related rules: ${summary.markRules}`,
    `opaque expressions: ${summary.opaque} (${summary.opaqueMark} may read or write marks)`,
    '',
  ].join('\n');
}

/** Read a ruleset file and print a summary, or the IR as JSON. */
const parse: Command = async (io) => {
  const args = parseArgs(io.args, ['syntax', 'family'], ['json']);
  const [file, ...extra] = args.positionals;
  if (!file || extra.length)
    throw new InputError('parse', args.positionals.join(' '), `needs exactly one FILE (${USAGE})`);
  const syntax = flag(args, 'syntax') ?? 'auto';
  if (!SYNTAXES.includes(syntax))
    throw new InputError('--syntax', syntax, `must be one of ${SYNTAXES.join(', ')}`);
  const familyText = flag(args, 'family');
  if (familyText !== undefined && familyText !== '4' && familyText !== '6') {
    throw new InputError('--family', familyText, 'must be 4 or 6');
  }
  const family = familyText ? (Number(familyText) as 4 | 6) : undefined;
  const text = readTextFile(file);
  // A one-shot parse of a ruleset file finishes before V8's optimizing compiler pays for itself: measured on
  // the 5,000-rule TUM file, TurboFan's compile work doubled the process CPU time. Very large inputs keep it,
  // with less inlining: compiling the reader's deeply inlined rule loop cost more than it saved (about a
  // fifth of the CPU time of a 50,000-rule file).
  if (text.length < OPTIMIZER_THRESHOLD) setFlagsFromString('--no-opt');
  else setFlagsFromString('--max-inlined-bytecode-size-cumulative=100');
  const options = {
    source: file,
    ...(family && { family }),
    ...(syntax !== 'auto' && { kind: syntax }),
  };
  // The summary counts rules as they are read; only --json needs the whole IR at once.
  if (args.switches.has('json')) {
    const { ruleset } = withFileName(file, () => parseRulesetFile(text, options));
    io.stdout(`${JSON.stringify(ruleset, null, 2)}\n`);
  } else io.stdout(printSummary(withFileName(file, () => summarizeRulesetFile(text, options))));
  return EXIT.ok;
};

export default parse;
