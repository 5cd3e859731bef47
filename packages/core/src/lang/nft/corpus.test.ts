import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../../ir/types';
import { parseNftJson } from './json';
import { normalizeNftRule } from './normalize';
import { emitNftText } from './print-text';
import { parseNftRuleDetailed } from './rule';
import { parseNftText } from './text';

// Every nft file of corpus/real and corpus/nft-shell parses, and what we emit reads back as the same IR;
// nft-shell input -> dump pairs agree rule by rule.
const corpus = corpusDir();
const skipReason = corpusSkip('nft corpus tests');

/** IR without positions, for comparisons. */
export const comparable = (r: Ruleset): unknown =>
  JSON.parse(JSON.stringify(r, (k, v) => (k === 'source' || k === 'raw' || k === 'handle' ? undefined : v)));

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)],
  );
}

const nftFiles = skipReason
  ? []
  : [
      ...walk(path.join(corpus, 'real')).filter((f) => /\.nft$|nft-commands-golden$/.test(f)),
      ...walk(path.join(corpus, 'nft-shell')).filter((f) => f.endsWith('.nft')),
    ].sort();

/** The nft script inside the fw4 testcase's `-- Expect stdout --` section. */
function fw4Expected(text: string): string {
  const m = /-- Expect stdout --\n([\s\S]*?)\n-- End --/.exec(text);
  if (!m) throw new Error('fw4 testcase without expected output');
  return m[1]!;
}

describe.skipIf(skipReason)('nft corpus files', () => {
  it('finds the corpus files', () => {
    expect(nftFiles.length).toBeGreaterThanOrEqual(30);
  });
  it.each(nftFiles.map((f) => [path.relative(corpus, f), f]))('%s parses and round-trips', (_name, file) => {
    const ir = parseNftText(readFileSync(file, 'utf8'));
    expect(ir.tables.length).toBeGreaterThan(0);
    expect(comparable(parseNftText(emitNftText(ir)))).toEqual(comparable(ir));
  });
  it('the fw4 12_mark testcase output parses to the six MARK writes', () => {
    const text = fw4Expected(
      readFileSync(path.join(corpus, 'real/openwrt-fw4__12_mark.fw4-testcase'), 'utf8'),
    );
    const ir = parseNftText(text);
    const chain = ir.tables[0]!.chains.find((c) => c.name === 'mangle_input')!;
    const writes = chain.rules.map((r) => r.exprs.find((e) => e.kind === 'markWrite'));
    expect(writes.map((w) => w && w.kind === 'markWrite' && [w.write.keep, w.write.xor])).toEqual([
      [0, 0xaa],
      [0xffff0054, 0xab],
      [0, 0xac],
      [0xffff00ff, 0xad],
      [0xae, 0],
      [0xffffff50, 0xaf],
    ]);
    expect(comparable(parseNftText(emitNftText(ir)))).toEqual(comparable(ir));
  });
});

/** Rule lines of a dump or input, per `family table chain`. */
function rulesOf(text: string): string[] {
  const ir = parseNftText(text);
  return ir.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => r.source?.text ?? '')));
}

const pairs = skipReason
  ? []
  : walk(path.join(corpus, 'nft-shell'))
      .filter((f) => f.endsWith('.input.nft'))
      .map((input) => {
        const dump = path.join(
          path.dirname(input),
          'dumps',
          path.basename(input).replace('.input.nft', '.nft'),
        );
        return [path.relative(corpus, input), input, dump] as const;
      });

describe.skipIf(skipReason)('nft-shell input -> dump pairs', () => {
  it.each(pairs)('%s', (_name, input, dump) => {
    const inText = readFileSync(input, 'utf8');
    const dumpText = readFileSync(dump, 'utf8');
    // Same meaning: the input and upstream's listing parse to the same IR.
    expect(comparable(parseNftText(inText))).toEqual(comparable(parseNftText(dumpText)));
    // Same text: each input rule prints as upstream's listing does. Two-register forms need nft >= 1.1.2
    // (nft 1.0.6 refuses them), so for those the printed form is checked without the acceptance verdict.
    const inputRules = rulesOf(inText);
    const dumpRules = rulesOf(dumpText);
    const printed = inputRules.map((body) => {
      const r = normalizeNftRule(body);
      return (r.ok ? r.text : parseNftRuleDetailed(body).canonical).replace(
        /counter packets 0 bytes 0/g,
        'counter',
      );
    });
    expect(printed).toEqual(dumpRules);
  });
});

describe.skipIf(skipReason)('nft-shell JSON input', () => {
  it('0005secmark_objref_0: the JSON input and the text dump are the same IR', () => {
    const dir = path.join(corpus, 'nft-shell/json');
    const fromJson = parseNftJson(readFileSync(path.join(dir, '0005secmark_objref_0.input.json'), 'utf8'));
    const fromText = parseNftText(readFileSync(path.join(dir, 'dumps/0005secmark_objref_0.nft'), 'utf8'));
    expect(comparable(fromJson)).toEqual(comparable(fromText));
    const y = fromJson.tables[0]!.chains.find((c) => c.name === 'y')!;
    expect(y.rules.map((r) => r.exprs[r.exprs.length - 1])).toEqual([
      { kind: 'secmarkSet', dst: 'meta', label: 'ssh_server' },
      { kind: 'secmarkCopy', dst: 'ct', mode: 'copy' },
      { kind: 'secmarkCopy', dst: 'meta', mode: 'copy' },
    ]);
    expect(fromJson.tables[0]!.secmarks).toEqual([
      { name: 'ssh_server', context: 'system_u:object_r:ssh_server_packet_t:s0' },
    ]);
  });
});
