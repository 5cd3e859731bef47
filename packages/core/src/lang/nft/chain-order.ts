import type { Rule, Verdict } from '../../ir/types';
import type { TokenStream } from './lexer';

// `nft -f` runs a file's commands in order, and a whole `table { ... }` block as one command that declares its
// chains before adding its rules. A rule that jumps (or a vmap entry that jumps) to a chain declared by a later
// command fails with "Could not process rule: No such file or directory", so the file is refused.

interface ChainRef {
  readonly table: string;
  readonly chain: string;
  readonly command: number;
  readonly token: number;
}

const targets = (rule: Rule): string[] =>
  rule.exprs.flatMap((e): string[] => {
    const named = (v: Verdict) => (v.kind === 'jump' || v.kind === 'goto' ? [v.target] : []);
    if (e.kind === 'verdict') return named(e.verdict);
    if (e.kind === 'vmap' && e.map.kind === 'elements') return e.map.entries.flatMap((x) => named(x.verdict));
    return [];
  });

/** Records when each chain is declared and which chains rules jump to, then checks the order. */
export class ChainOrder {
  private command = 0;
  private readonly declared = new Map<string, number>();
  private readonly refs: ChainRef[] = [];

  /** A new top-level command starts. */
  next(): void {
    this.command++;
  }

  declare(table: string, chain: string): void {
    const key = `${table}\u0000${chain}`;
    if (!this.declared.has(key)) this.declared.set(key, this.command);
  }

  /** A rule added by the current command; `token` is where it starts, for the error position. */
  rule(table: string, rule: Rule, token: number): void {
    for (const chain of targets(rule)) this.refs.push({ table, chain, command: this.command, token });
  }

  /** Fail at the first rule whose jump target does not exist yet when the rule is added. */
  check(ts: TokenStream): void {
    for (const ref of this.refs) {
      const at = this.declared.get(`${ref.table}\u0000${ref.chain}`);
      if (at === undefined)
        ts.fail(`a chain "${ref.chain}" in table ${ref.table} to jump to (there is none)`, ref.token);
      if (at > ref.command)
        ts.fail(
          `chain "${ref.chain}" declared before a rule jumps to it (nft -f refuses a jump to a chain a later command declares)`,
          ref.token,
        );
    }
  }
}
