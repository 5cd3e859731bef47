import { DEFAULT_OWNERSHIP, InputError, type Ownership, parseDocument } from '@markwright/core';
import { type CompileFamilies, compileForLanguage, compileOwned } from '@markwright/core/compile';
import { COMPILE_TARGETS, compileTarget, type RuleLanguage } from '@markwright/core/lang';
import { flag, parseArgs } from '../args';
import { readJsonFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE =
  `usage: markwright compile FILE --to ${COMPILE_TARGETS.join('|')} [--family 4|6|both] [--table NAME] [--protocol N]` +
  ' (iptables and ip-rule write IPv4 unless --family 6; load ip-rule output with ip -4 -batch - or ip -6 -batch -)';

function parseFamily(text: string | undefined): CompileFamilies | undefined {
  if (text === undefined) return undefined;
  if (text === '4' || text === '6') return Number(text) as 4 | 6;
  if (text === 'both') return 'both';
  throw new InputError('--family', text, 'must be 4, 6 or both');
}

function parseProtocol(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text)) throw new InputError('--protocol', text, 'must be a number 1..255');
  return Number(text);
}

/** Languages loaded once per family (iptables-restore, `ip -batch`) take 4 or 6, never both. */
function singleFamily(
  target: string,
  language: RuleLanguage,
  fixed: 4 | 6 | undefined,
  family: CompileFamilies | undefined,
): 4 | 6 {
  if (fixed !== undefined && family !== undefined && family !== fixed) {
    const other = language.targets.find((t) => t.family === undefined);
    throw new InputError(
      '--family',
      String(family),
      `--to ${target} writes IPv${fixed} rules${other ? `; use --to ${other.name} for IPv${family}` : ''}`,
    );
  }
  if (family === 'both') {
    const loaders = `${language.loader(4).join(' ')} and ${language.loader(6).join(' ')}`;
    throw new InputError(
      '--family',
      'both',
      `--to ${target} writes one family at a time (${loaders}): choose 4 or 6`,
    );
  }
  return fixed ?? family ?? 4;
}

const compile: Command = async (io) => {
  const args = parseArgs(io.args, ['to', 'family', 'table', 'protocol'], []);
  if (args.positionals.length !== 1) {
    throw new InputError(
      'FILE',
      args.positionals.join(' ') || null,
      `expected exactly one document file; ${USAGE}`,
    );
  }
  const to = flag(args, 'to');
  const target = to === undefined ? null : compileTarget(to);
  if (!target)
    throw new InputError('--to', to ?? null, `must be one of ${COMPILE_TARGETS.join(', ')}; ${USAGE}`);
  const { language } = target;
  const requested = parseFamily(flag(args, 'family'));
  const family =
    language.families === 'per-family' ? singleFamily(to!, language, target.family, requested) : requested;
  const table = flag(args, 'table');
  const ruleProtocol = parseProtocol(flag(args, 'protocol'));
  const doc = parseDocument(readJsonFile(args.positionals[0]!));
  const ownership: Ownership = {
    ...DEFAULT_OWNERSHIP,
    ...(table !== undefined && { table }),
    ...(ruleProtocol !== undefined && { ipRuleProtocol: ruleProtocol }),
  };
  const picked = family === 'both' || family === undefined ? undefined : family;
  if (language.flavour === 'iptables') {
    // Not what apply loads (deploy uses nft), but the same policy for boxes that keep iptables.
    const box = compileForLanguage(language, doc, {
      table: ownership.table,
      ruleProtocol: ownership.ipRuleProtocol,
      ...(picked !== undefined && { families: picked }),
    });
    io.stdout(
      language
        .print(box, picked === undefined ? {} : { family: picked })
        .map((u) => u.text)
        .join(''),
    );
    return EXIT.ok;
  }
  // Exactly what apply loads into an empty box: the owned table's replace script, ip rule batches, tc batch.
  const { loads } = compileOwned(doc, ownership, language.name === 'tc' ? undefined : family);
  const text =
    language.name === 'nft'
      ? loads.nftScript
      : language.name === 'iproute'
        ? (picked === 6 ? loads.ipRules.v6 : loads.ipRules.v4).map((l) => `rule add ${l}\n`).join('')
        : loads.tcFilters.map((l) => `${l}\n`).join('');
  io.stdout(text);
  return EXIT.ok;
};
export default compile;
