import { InputError } from '../../bits/errors';
import { firstListedKeys } from '../detect-text';
import type { FileKind, RuleLanguage } from '../language';
import { parseTcFiltersJson } from './filters';
import { emitTcBatch } from './print-batch';

const FILTERS: FileKind = {
  name: 'tc-filter-json',
  part: 'tcFilters',
  producedBy: 'tc -j filter show dev DEV',
};

/** tc: `tc -j filter show` listings in, `tc -batch` filter loads out; filters are family-neutral. */
export const tcLanguage: RuleLanguage = {
  name: 'tc',
  title: 'tc',
  kinds: [FILTERS],
  families: 'both',
  flavour: 'nft',
  targets: [{ name: 'tc' }],
  loader: () => ['tc', '-batch', '-'],
  detect(text) {
    const keys = firstListedKeys(text);
    return keys?.has('pref') && keys.has('protocol') && !keys.has('dst') ? FILTERS : null;
  },
  parse(text, _kind, options = {}) {
    if (!options.dev) {
      throw new InputError(
        'dev',
        null,
        'is needed for a tc filter listing (tc -j filter show does not name it)',
      );
    }
    return { tcFilters: parseTcFiltersJson(text, options.dev) };
  },
  print(box) {
    return box.tcFilters.length === 0
      ? []
      : [{ argv: tcLanguage.loader(), text: emitTcBatch(box.tcFilters) }];
  },
};
