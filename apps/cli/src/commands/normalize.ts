import { InputError } from '@markwright/core';
import { LANGUAGES } from '@markwright/core/lang';
import { flag, parseArgs } from '../args';
import { type Command, EXIT } from '../io';

/** The languages with rule lines to normalize, as `--syntax` names them. */
const NORMALIZERS = LANGUAGES.filter((l) => l.normalize).sort((a, b) => a.name.localeCompare(b.name));
const USAGE = `usage: markwright normalize --syntax ${NORMALIZERS.map((l) => l.name).join('|')} [--table TABLE] [--family 4|6] < rules`;

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
  const language = NORMALIZERS.find((l) => l.name === syntax);
  if (!language) {
    const names = NORMALIZERS.map((l) => l.name);
    throw new InputError(
      '--syntax',
      syntax ?? null,
      `must be ${names.slice(0, -1).join(', ')} or ${names.at(-1)} (${USAGE})`,
    );
  }
  const options = { table, family };
  // An empty line checks the options (an unknown iptables table throws) before stdin is read.
  language.normalize!('', options);
  const one = (line: string) => language.normalize!(line, options);
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
