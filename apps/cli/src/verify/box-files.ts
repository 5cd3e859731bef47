import {
  type BoxConfig,
  InputError,
  type IpRule,
  type Route,
  type Ruleset,
  type TcFilter,
} from '@markwright/core';
import {
  parseIpRoutesJson,
  parseIpRulesJson,
  parseRulesetAuto,
  parseTcFiltersJson,
} from '@markwright/core/parse';
import { readTextFile } from '../input-file';

/** The files a box is described by, as `simulate` and `--verify` take them. */
export interface BoxFiles {
  readonly ruleset: string;
  readonly ipRules?: string;
  readonly routes?: string;
  readonly tc?: string;
  readonly tcDev?: string;
}

export interface LoadedBox {
  readonly box: BoxConfig;
  readonly rulesetText: string;
  readonly syntax: 'nft-json' | 'nft' | 'iptables';
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

/** Read every file of a box; each error names the file and the field in it. */
export function loadBox(files: BoxFiles): LoadedBox {
  const rulesetText = readTextFile(files.ruleset);
  const { syntax, ruleset } = inFile(files.ruleset, () => parseRulesetAuto(rulesetText)) as {
    syntax: LoadedBox['syntax'];
    ruleset: Ruleset;
  };
  let ipRules: IpRule[] = [];
  if (files.ipRules) {
    const file = files.ipRules;
    const text = readTextFile(file);
    ipRules = inFile(file, () => parseIpRulesJson(text));
  }
  let routes: Route[] = [];
  if (files.routes) {
    const file = files.routes;
    const text = readTextFile(file);
    routes = inFile(file, () => parseIpRoutesJson(text));
  }
  let tcFilters: TcFilter[] = [];
  if (files.tc) {
    const file = files.tc;
    if (!files.tcDev)
      throw new InputError(
        '--tc-dev',
        null,
        'is needed with --tc (tc -j filter show does not name the device)',
      );
    const text = readTextFile(file);
    tcFilters = inFile(file, () => parseTcFiltersJson(text, files.tcDev!));
  }
  return { box: { ruleset, ipRules, routes, tcFilters }, rulesetText, syntax };
}
