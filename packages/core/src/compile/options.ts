import { InputError } from '../bits/errors';
import { DEFAULT_OWNERSHIP, MARKWRIGHT_RULE_PROTOCOL, MARKWRIGHT_TABLE } from '../ownership/ownership';

export { MARKWRIGHT_RULE_PROTOCOL, MARKWRIGHT_TABLE } from '../ownership/ownership';

export type CompileFamilies = 4 | 6 | 'both';

export interface CompileOptions {
  /** Name of the inet table; default `markwright`. */
  readonly table?: string;
  /** ip rule `protocol` tag, 1-255; default 77 (`MARKWRIGHT_RULE_PROTOCOL`). */
  readonly ruleProtocol?: number;
  /** Address families to install for: ip rules of other families are left out and policy rules are limited
   *  to this family (`meta nfproto`). Default both. */
  readonly families?: CompileFamilies;
  /** First tc filter priority used for class bindings without one; default the low end of Markwright's tc range. */
  readonly tcPriorityBase?: number;
}

export interface ResolvedOptions {
  readonly table: string;
  readonly ruleProtocol: number;
  readonly families: readonly (4 | 6)[];
  readonly tcPriorityBase: number;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function resolveOptions(options: CompileOptions = {}): ResolvedOptions {
  const table = options.table ?? MARKWRIGHT_TABLE;
  if (!TABLE_NAME.test(table)) {
    throw new InputError(
      'table',
      table,
      'must start with a letter and use only letters, digits, "_" and "-"',
    );
  }
  const ruleProtocol = options.ruleProtocol ?? MARKWRIGHT_RULE_PROTOCOL;
  if (!Number.isInteger(ruleProtocol) || ruleProtocol < 1 || ruleProtocol > 255) {
    throw new InputError(
      'ruleProtocol',
      ruleProtocol,
      'must be an integer 1..255 (ip rule protocols are one byte)',
    );
  }
  const families = options.families ?? 'both';
  if (families !== 4 && families !== 6 && families !== 'both') {
    throw new InputError('families', families, 'must be 4, 6 or "both"');
  }
  const tcPriorityBase = options.tcPriorityBase ?? DEFAULT_OWNERSHIP.tcPriorities[0];
  if (!Number.isInteger(tcPriorityBase) || tcPriorityBase < 1 || tcPriorityBase > 0xfff0) {
    throw new InputError('tcPriorityBase', tcPriorityBase, 'must be an integer 1..65520');
  }
  return { table, ruleProtocol, families: families === 'both' ? [4, 6] : [families], tcPriorityBase };
}
