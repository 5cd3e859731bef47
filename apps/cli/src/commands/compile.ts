import { InputError, parseDocument } from '@markwright/core';
import {
  type CompileFamilies,
  type CompileOptions,
  compileDocument,
  compileIptablesRuleset,
  nftReplaceScript,
} from '@markwright/core/compile';
import { emitIpRuleBatch, emitIptablesRestore, emitTcBatch } from '@markwright/core/emit';
import { flag, parseArgs } from '../args';
import { readJsonFile } from '../input-file';
import { type Command, EXIT } from '../io';

const USAGE =
  'usage: markwright compile FILE --to nft|iptables|ip6tables|ip-rule|tc [--family 4|6|both] [--table NAME] [--protocol N]' +
  ' (iptables and ip-rule write IPv4 unless --family 6; load ip-rule output with ip -4 -batch - or ip -6 -batch -)';
const TARGETS = ['nft', 'iptables', 'ip6tables', 'ip-rule', 'tc'] as const;
type Target = (typeof TARGETS)[number];

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

/** iptables-restore and `ip -batch` load one family at a time: these targets take 4 or 6, never both. */
function singleFamily(target: Target, family: CompileFamilies | undefined): 4 | 6 {
  if (target === 'ip6tables') {
    if (family === 4)
      throw new InputError('--family', '4', '--to ip6tables writes IPv6 rules; use --to iptables for IPv4');
    return 6;
  }
  if (family === 'both') {
    const loaders =
      target === 'ip-rule' ? 'ip -4 -batch and ip -6 -batch' : 'iptables-restore and ip6tables-restore';
    throw new InputError(
      '--family',
      'both',
      `--to ${target} writes one family at a time (${loaders}): choose 4 or 6`,
    );
  }
  return family ?? 4;
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
  if (to === undefined || !(TARGETS as readonly string[]).includes(to)) {
    throw new InputError('--to', to ?? null, `must be one of ${TARGETS.join(', ')}; ${USAGE}`);
  }
  const target = to as Target;
  const family = parseFamily(flag(args, 'family'));
  const table = flag(args, 'table');
  const ruleProtocol = parseProtocol(flag(args, 'protocol'));
  const doc = parseDocument(readJsonFile(args.positionals[0]!));
  const options: CompileOptions = {
    ...(table !== undefined && { table }),
    ...(ruleProtocol !== undefined && { ruleProtocol }),
  };

  switch (target) {
    case 'nft': {
      const box = compileDocument(doc, { ...options, ...(family !== undefined && { families: family }) });
      io.stdout(nftReplaceScript(box.ruleset.tables[0]!));
      return EXIT.ok;
    }
    case 'iptables':
    case 'ip6tables': {
      const only = singleFamily(target, family);
      const ruleset = compileIptablesRuleset(doc, { ...options, families: only });
      io.stdout(emitIptablesRestore(ruleset, { family: only }));
      return EXIT.ok;
    }
    case 'ip-rule': {
      const only = singleFamily(target, family);
      io.stdout(emitIpRuleBatch(compileDocument(doc, { ...options, families: only }).ipRules));
      return EXIT.ok;
    }
    case 'tc': {
      io.stdout(emitTcBatch(compileDocument(doc, options).tcFilters));
      return EXIT.ok;
    }
  }
};
export default compile;
