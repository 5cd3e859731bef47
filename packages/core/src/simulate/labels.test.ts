import { describe, expect, it } from 'vitest';
import { compileDocument, compileIptablesRuleset } from '../compile/compile-document';
import { parseDocument } from '../document/check';
import type { BoxConfig } from '../ir/types';
import type { PacketSpec, TraceStep } from '../reports/types';
import { localRoute, route } from '../testing/ir-builders';
import { simulate } from './simulate';
import { formatTrace } from './trace-text';

const HTTP = 'system_u:object_r:http_packet_t:s0';
const DOC = parseDocument({
  format: 'markwright/1',
  name: 'web server',
  layout: { fields: [], secmarks: [{ name: 'http_packet', context: HTTP, persist: true }] },
  policy: {
    rules: [
      { name: 'web', match: { iif: 'lan0', proto: 'tcp', dport: 80 }, set: { secmark: 'http_packet' } },
    ],
  },
});
const ROUTES = [
  localRoute('192.168.1.1', 'lan0'),
  route('main', '192.168.1.0/24', 'lan0', { scope: 'link', prefsrc: '192.168.1.1' }),
];
const nftBox: BoxConfig = { ...compileDocument(DOC, { families: 4 }), routes: ROUTES };
const iptBox: BoxConfig = {
  ...compileDocument(DOC, { families: 4 }),
  ruleset: compileIptablesRuleset(DOC, { families: 4 }),
  routes: ROUTES,
};

const request: PacketSpec = {
  iif: 'lan0',
  saddr: '192.168.1.20',
  daddr: '192.168.1.1',
  proto: 'tcp',
  sport: 40000,
  dport: 80,
};
const reply: PacketSpec = {
  saddr: '192.168.1.1',
  daddr: '192.168.1.20',
  proto: 'tcp',
  sport: 80,
  dport: 40000,
};

const labelSteps = (steps: readonly TraceStep[]) =>
  steps.filter((s) => s.kind === 'secmark').map((s) => `${s.space} ${s.before ?? '-'} -> ${s.after ?? '-'}`);

describe('simulating compiled labels', () => {
  for (const [form, box, label] of [
    ['nft', nftBox, 'http_packet'],
    ['iptables', iptBox, HTTP],
  ] as const) {
    it(`${form}: the request is labelled and saves the label; the box's reply has it restored`, () => {
      const [first, second] = simulate(box, [request, reply]).packets;
      expect(first).toMatchObject({ destination: 'local', secmark: label, ctsecmark: label });
      expect(labelSteps(first!.steps)).toEqual([`meta - -> ${label}`, `ct - -> ${label}`]);
      expect(second).toMatchObject({ destination: 'output', secmark: label, ctsecmark: label });
      expect(labelSteps(second!.steps)).toEqual([`meta - -> ${label}`]);
      // Every rule step carries the labels after it: none before the label chain, both after the save.
      const rules = first!.steps.filter((s) => s.kind === 'rule');
      expect(rules[0]).not.toHaveProperty('secmark');
      expect(rules.at(-1)).toMatchObject({ secmark: label, ctsecmark: label });
    });
  }

  it('iptables CONNSECMARK --restore leaves a labelled packet alone, nft copies over it', () => {
    // A packet already labelled (by an earlier rule on the box) keeps its label under CONNSECMARK.
    const relabel = (box: BoxConfig): BoxConfig => {
      const tables = box.ruleset.tables.map((t) => ({
        ...t,
        chains: t.chains.map((c) =>
          /^(label-output|MARKWRIGHT-OUTPUT)$/.test(c.name)
            ? {
                ...c,
                rules: [
                  { exprs: [{ kind: 'secmarkSet' as const, dst: 'meta' as const, label: 'other' }] },
                  ...c.rules,
                ],
              }
            : c,
        ),
      }));
      return { ...box, ruleset: { tables } };
    };
    const [, ipt] = simulate(relabel(iptBox), [request, reply]).packets;
    expect(ipt!.secmark).toBe('other');
    const [, nft] = simulate(relabel(nftBox), [request, reply]).packets;
    expect(nft!.secmark).toBe('http_packet');
  });

  it('the trace text has a label column: the packet and connection label after every step', () => {
    const packets = [request, reply];
    const text = formatTrace(simulate(nftBox, packets), packets);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/ctmark +label$/);
    const [firstRule] = lines.filter((l) => l.includes('tcp dport 80 meta secmark'));
    expect(firstRule).toMatch(/matched .* http_packet\/-$/);
    const replyLines = lines.slice(lines.findIndex((l) => l.startsWith('packet 2')));
    expect(replyLines.find((l) => l.includes('established (existing flow)'))).toMatch(/ -\/http_packet$/);
    expect(replyLines.find((l) => l.startsWith('  secmark'))).toMatch(
      /\(none\) → http_packet +http_packet\/http_packet$/,
    );
  });
});
