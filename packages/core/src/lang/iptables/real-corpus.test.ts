import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import type { Rule, Ruleset } from '../../ir/types';
import { emitIptablesRestore } from './print-restore';
import { parseIptablesSave } from './save';

// Every iptables-save / iptables-restore file of corpus/real parses, nothing is dropped, and what we emit
// from it reads back as the same IR.
const real = corpusDir('real');
const skipReason = corpusSkip('real iptables corpus', 'real');

const files = skipReason
  ? []
  : readdirSync(real)
      .filter((f) => /iptables-(save|restore)/.test(f))
      .sort();

/**
 * Istio's goldens start (and end) with lines naming iptables-save and ip6tables-save, then hold the IPv4
 * tables followed by the IPv6 ones: a table name seen again starts the IPv6 part.
 */
function sections(text: string, file: string): { family: 4 | 6; text: string }[] {
  const lines = text.split('\n');
  if (!lines.includes('ip6tables-save')) return [{ family: file.includes('ip6tables') ? 6 : 4, text }];
  // Blank lines stand in for the other part, so error line numbers stay those of the file.
  const parts: string[][] = [lines.map(() => ''), lines.map(() => '')];
  const seen = new Set<string>();
  let part = 0;
  lines.forEach((line, i) => {
    if (line === 'iptables-save' || line === 'ip6tables-save') return;
    const table = /^\*\s*(\S+)/.exec(line)?.[1];
    if (table && seen.has(table)) {
      part = 1;
      seen.clear();
    }
    if (table) seen.add(table);
    parts[part]![i] = line;
  });
  return [
    { family: 4 as const, text: parts[0]!.join('\n') },
    { family: 6 as const, text: parts[1]!.join('\n') },
  ].filter((s) => /^\s*\*/m.test(s.text));
}

const ruleLines = (text: string): number =>
  text.split('\n').filter((l) => /^(\[\d+:\d+\]\s+)?-[AI]\s/.test(l.trim())).length;
const countRules = (rs: Ruleset): number =>
  rs.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
const strip = (r: Rule) => ({ exprs: r.exprs, comment: r.comment });
const shape = (rs: Ruleset) =>
  rs.tables.map((t) => ({ ...t, chains: t.chains.map((c) => ({ ...c, rules: c.rules.map(strip) })) }));

describe.skipIf(skipReason)('real iptables-save files', () => {
  it('finds the files', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(`${file}: parses every rule and re-reads its own emission`, () => {
      const text = readFileSync(path.join(real, file), 'utf8');
      let total = 0;
      for (const section of sections(text, file)) {
        const rs = parseIptablesSave(section.text, { family: section.family, source: file });
        expect(countRules(rs)).toBe(ruleLines(section.text));
        total += countRules(rs);
        for (const t of rs.tables) {
          expect(t.origin).toBe('iptables');
          expect(t.family).toBe(section.family === 4 ? 'ip' : 'ip6');
        }
        const again = parseIptablesSave(emitIptablesRestore(rs), { family: section.family });
        expect(shape(again)).toEqual(shape(rs));
      }
      expect(total).toBe(ruleLines(text));
    });
  }
  it('reads the TUM ruleset: 4 tables, 4973 rules, policies and base chains', () => {
    const rs = parseIptablesSave(
      readFileSync(path.join(real, 'diekmann__tum_net_2015-09-03.iptables-save'), 'utf8'),
    );
    expect(countRules(rs)).toBe(4973);
    const filter = rs.tables.find((t) => t.name === 'filter')!;
    const forward = filter.chains.find((c) => c.name === 'FORWARD')!;
    expect(forward.base).toEqual({
      type: 'filter',
      hook: 'forward',
      priority: 0,
      policy: expect.any(String),
    });
    const raw = rs.tables.find((t) => t.name === 'raw')!;
    expect(raw.chains.map((c) => [c.name, c.base?.priority])).toEqual([
      ['PREROUTING', -300],
      ['OUTPUT', -300],
    ]);
  });
  it('keeps the multipath connmark rules as mark writes', () => {
    const rs = parseIptablesSave(
      readFileSync(path.join(real, 'multipathrouting__dual_wan_connmark.iptables-restore'), 'utf8'),
    );
    const pre = rs.tables.find((t) => t.name === 'mangle')!.chains.find((c) => c.name === 'PREROUTING')!;
    expect(pre.rules[0]!.counters).toEqual({ packets: 0, bytes: 0 });
    expect(pre.rules[0]!.exprs.at(-1)).toEqual({
      kind: 'markWrite',
      write: { dst: 'meta', keep: 0, src: { space: 'ct', take: 0xffffffff, shift: 0 }, xor: 0 },
    });
    expect(pre.rules[1]!.exprs.at(-1)).toEqual({
      kind: 'markWrite',
      write: { dst: 'ct', keep: 0, src: null, xor: 1 },
    });
  });
});
