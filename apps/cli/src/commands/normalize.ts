import { InputError } from '@markwright/core';
import * as parsers from '@markwright/core/parse';
import { flag, parseArgs } from '../args';
import { type Command, EXIT } from '../io';

const USAGE = 'usage: markwright normalize --syntax iptables|nft [--table TABLE] [--family 4|6] < rules';

type Result = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/**
 * One rule per stdin line (iptables: the words after `-A CHAIN`; nft: a rule body), one output line per input:
 * `ok<TAB>` and the form iptables-save / nft list print, or `error<TAB>` and why the tool refuses it.
 */
const normalize: Command = async (io) => {
  const args = parseArgs(io.args, ['syntax', 'table', 'family'], []);
  if (args.positionals.length)
    throw new InputError('normalize', args.positionals[0], `takes no file; rules come on stdin (${USAGE})`);
  const syntax = flag(args, 'syntax');
  const table = flag(args, 'table') ?? 'filter';
  const familyText = flag(args, 'family') ?? '4';
  if (familyText !== '4' && familyText !== '6')
    throw new InputError('--family', familyText, 'must be 4 or 6');
  const family = Number(familyText) as 4 | 6;
  let one: (line: string) => Result;
  if (syntax === 'iptables') {
    if (!parsers.isXtTable(table)) {
      throw new InputError('--table', table, 'must be one of filter, nat, mangle, raw, security');
    }
    one = (line) => parsers.normalizeIptablesRule(line, { table, family });
  } else if (syntax === 'nft') {
    one = parsers.normalizeNftRule;
  } else {
    throw new InputError('--syntax', syntax ?? null, `must be iptables or nft (${USAGE})`);
  }
  const input = await io.readStdin();
  const lines = input.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  for (const raw of lines) {
    const r = one(raw.replace(/\r$/, ''));
    out.push(r.ok ? `ok\t${r.text}` : `error\t${r.message.replace(/\s*\n\s*/g, ' ')}`);
  }
  io.stdout(out.length ? `${out.join('\n')}\n` : '');
  return EXIT.ok;
};

export default normalize;
