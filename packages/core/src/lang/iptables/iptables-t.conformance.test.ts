import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';

import { normalizeIptablesRule } from './rule';

// Upstream iptables extension tests (corpus/iptables-t, see its FORMAT.md): every line through normalize.
const corpus = corpusDir('iptables-t');
const skipReason = corpusSkip('iptables-t conformance', 'iptables-t');

/** Files for other tools: arptables and ebtables have their own rule syntax, which the IR does not read. */
const OTHER_TOOLS: Readonly<Record<string, string>> = {
  'libarpt_MARK.t': 'arptables syntax (arptables-nft); Markwright reads iptables and ip6tables rules only',
  'libebt_mark.t': 'ebtables syntax (ebtables-nft); Markwright reads iptables and ip6tables rules only',
  'libebt_mark_m.t': 'ebtables syntax (ebtables-nft); Markwright reads iptables and ip6tables rules only',
};

interface TestLine {
  readonly file: string;
  readonly lineNo: number;
  readonly table: string;
  readonly rule: string;
  readonly saved: string;
  readonly result: 'OK' | 'FAIL' | 'NOMATCH';
}

function readT(file: string): TestLine[] {
  const out: TestLine[] = [];
  let table = 'filter';
  readFileSync(path.join(corpus, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line === '' || /^[#:@%]/.test(line)) return;
      if (line.startsWith('*')) {
        table = line.slice(1);
        return;
      }
      const [rule, saved, result] = line.split(';');
      out.push({
        file,
        lineNo: i + 1,
        table,
        rule: rule!,
        saved: saved === '=' ? rule! : saved!,
        result: result as TestLine['result'],
      });
    });
  return out;
}

const familiesOf = (file: string): (4 | 6)[] =>
  file.startsWith('libxt_') ? [4, 6] : file.startsWith('libip6t_') ? [6] : [4];

const files = skipReason
  ? []
  : readdirSync(corpus)
      .filter((f) => f.endsWith('.t'))
      .sort();

describe.skipIf(skipReason)('iptables-t conformance', () => {
  it('covers the mark-related files', () => {
    for (const f of [
      'libxt_MARK.t',
      'libxt_mark.t',
      'libxt_CONNMARK.t',
      'libxt_connmark.t',
      'libxt_SECMARK.t',
      'libxt_CONNSECMARK.t',
    ]) {
      expect(files).toContain(f);
    }
  });
  for (const file of files) {
    const lines = readT(file);
    const other = OTHER_TOOLS[file];
    describe(file, () => {
      for (const t of lines) {
        for (const family of familiesOf(file)) {
          const name = `line ${t.lineNo} (IPv${family}, ${t.result}): ${t.rule}`;
          if (other) {
            it.skip(`${name}: not modelled: ${other}`, () => {});
            continue;
          }
          it(name, () => {
            const r = normalizeIptablesRule(t.rule, { table: t.table, family });
            if (t.result === 'FAIL') {
              expect(r.ok, JSON.stringify(r)).toBe(false);
            } else if (t.result === 'OK') {
              expect(r).toEqual({ ok: true, text: t.saved });
            } else {
              expect(r.ok).toBe(true);
              if (r.ok) expect(r.text).not.toBe(t.saved);
            }
          });
        }
      }
    });
  }
});
