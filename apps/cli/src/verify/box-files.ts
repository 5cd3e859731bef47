import {
  type BoxConfig,
  InputError,
  type IpRule,
  type Route,
  type Ruleset,
  type TcFilter,
} from '@markwright/core';
import { type BoxPart, type FileKind, parseBoxFile } from '@markwright/core/lang';
import { readTextFile } from '../input-file';

/** The files a box is described by, as `simulate` and `--verify` take them. */
export interface BoxFiles {
  readonly ruleset: string;
  readonly ipRules?: string;
  /** `ip -6 rule` listing (JSON or text): the IPv6 rules, which the listing itself does not mark as IPv6. */
  readonly ipRules6?: string;
  readonly routes?: string;
  readonly tc?: string;
  readonly tcDev?: string;
}

export interface LoadedBox {
  readonly box: BoxConfig;
  readonly rulesetText: string;
  /** The kind the ruleset file was detected as; its `load` argv puts it into a kernel as it is. */
  readonly kind: FileKind;
}

/** Re-raise a core input error with the file it came from in front of the field. */
function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InputError && !error.field.startsWith(file)) {
      throw new InputError(
        `${file}: ${error.field}`,
        error.value,
        error.message.slice(error.field.length + 2),
      );
    }
    throw error;
  }
}

/** One file read into its part of the box, its kind detected; errors name the file. */
function readPart(
  file: string,
  part: BoxPart,
  options: { dev?: string; family?: 4 | 6 } = {},
): { kind: FileKind; box: Partial<BoxConfig> } {
  const text = readTextFile(file);
  return inFile(file, () => parseBoxFile(text, part, { source: file, ...options }));
}

/** Read every file of a box; each error names the file and the field in it. */
export function loadBox(files: BoxFiles): LoadedBox {
  const rulesetText = readTextFile(files.ruleset);
  const { kind, box } = inFile(files.ruleset, () =>
    parseBoxFile(rulesetText, 'ruleset', { source: files.ruleset }),
  );
  const ruleset: Ruleset = box.ruleset!;
  const ipRules: readonly IpRule[] = [
    ...(files.ipRules ? readPart(files.ipRules, 'ipRules').box.ipRules! : []),
    ...(files.ipRules6 ? readPart(files.ipRules6, 'ipRules', { family: 6 }).box.ipRules! : []),
  ];
  const routes: readonly Route[] = files.routes ? readPart(files.routes, 'routes').box.routes! : [];
  let tcFilters: readonly TcFilter[] = [];
  if (files.tc) {
    if (!files.tcDev)
      throw new InputError(
        '--tc-dev',
        null,
        'is needed with --tc (tc -j filter show does not name the device)',
      );
    tcFilters = readPart(files.tc, 'tcFilters', { dev: files.tcDev }).box.tcFilters!;
  }
  return { box: { ruleset, ipRules, routes, tcFilters }, rulesetText, kind };
}
