import { InputError } from '../bits/errors';

const LINE = /^\s*([a-z0-9_.\-/]+)\s*=\s*(\S*)\s*$/i;

/**
 * Sysctls as `sysctl -a` (or `sysctl -p`'s file format) prints them: `key = value` a line; comments (`#`, `;`)
 * and blank lines are skipped; `/` separators are read as dots. A line of any other form is refused naming it.
 */
export function parseSysctls(text: string, source = 'sysctls'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const m = LINE.exec(line);
    if (!m)
      throw new InputError(`${source}: line ${i + 1}`, line, 'expected "key = value" as sysctl -a prints it');
    out[m[1]!.replaceAll('/', '.')] = m[2]!;
  });
  return out;
}
