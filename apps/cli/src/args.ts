import { InputError } from '@markwright/core';

/** Parsed command line: positionals in order, flags by name (repeatable flags collect every value). */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string[]>;
  readonly switches: Set<string>;
}

/**
 * Parse `--flag value`, `--flag=value` and boolean `--switch` arguments. `valued` lists the flags that take a
 * value; any other `--name` is a switch, and an unknown one is refused so typos never pass silently.
 */
export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  switches: readonly string[],
): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (valued.includes(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new InputError(`--${name}`, null, 'needs a value');
      out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
    } else if (switches.includes(name) && eq === -1) {
      out.switches.add(name);
    } else {
      throw new InputError(
        arg,
        arg,
        `unknown option (known: ${[...valued, ...switches].map((n) => `--${n}`).join(', ')})`,
      );
    }
  }
  return out;
}

export function flag(parsed: ParsedArgs, name: string): string | undefined {
  const values = parsed.flags.get(name);
  return values?.[values.length - 1];
}

/** Options that mean the same to every verb that takes them; given before the verb they are moved after it. */
const GLOBAL_VALUED = new Set(['--state-dir', '--root-dir', '--target', '--db', '--port', '--ssh-config']);
const HELP = new Set(['--help', '-h']);

/** Split argv into the verb and its arguments, with options given before the verb moved after it. */
export function verbAndArgs(argv: readonly string[]): { verb: string | undefined; args: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('--') && !HELP.has(argv[i]!) && argv[i] !== '--version') {
    const option = argv[i]!;
    const takesValue = GLOBAL_VALUED.has(option) && i + 1 < argv.length;
    leading.push(...argv.slice(i, i + (takesValue ? 2 : 1)));
    i += takesValue ? 2 : 1;
  }
  return { verb: argv[i], args: [...argv.slice(i + 1), ...leading] };
}
