import { describe, expect, it } from 'vitest';
import { parseDocument } from '../document/check';
import { emitIptablesRestore } from '../lang/iptables/print-restore';
import { emitNftText } from '../lang/nft/print-text';
import { compileDocument, compileIptablesRuleset } from './compile-document';

const HTTP = 'system_u:object_r:http_packet_t:s0';
const labelled = (rules: unknown[], persist = true) =>
  parseDocument({
    format: 'markwright/1',
    name: 'labels',
    layout: {
      fields: [{ name: 'bulk', kind: 'flag', offset: 26 }],
      secmarks: [
        { name: 'http_packet', context: HTTP, persist },
        { name: 'dns_packet', context: 'system_u:object_r:dns_packet_t:s0' },
      ],
    },
    policy: { rules },
  });

const WEB = { name: 'web', match: { proto: 'tcp', dport: 80 }, set: { secmark: 'http_packet' } };
const DNS = {
  name: 'dns',
  hook: 'output',
  match: { proto: 'udp', dport: 53 },
  set: { secmark: 'dns_packet', bulk: 1 },
};

describe('compiling security labels', () => {
  it('nft: secmark objects in the owned table, labels set at security priority, saved and restored', () => {
    const text = emitNftText(compileDocument(labelled([WEB, DNS]), { families: 4 }).ruleset);
    expect(text).toContain(`\tsecmark http_packet {\n\t\t"${HTTP}"\n\t}`);
    expect(text).toContain('\tsecmark dns_packet {\n\t\t"system_u:object_r:dns_packet_t:s0"\n\t}');
    const chainText = (name: string) => text.split(`\tchain ${name} {\n`)[1]!.split('\n\t}')[0] ?? '';
    expect(chainText('label-input')).toBe(
      [
        '\t\ttype filter hook input priority security; policy accept;',
        '\t\tct state established,related meta secmark set ct secmark comment "markwright: restore persisted labels"',
        '\t\tmeta nfproto ipv4 tcp dport 80 meta secmark set "http_packet" comment "web"',
        '\t\tmeta nfproto ipv4 tcp dport 80 ct state new ct secmark set meta secmark comment "web"',
      ].join('\n'),
    );
    expect(chainText('label-forward')).toBe(chainText('label-input').replace('hook input', 'hook forward'));
    expect(chainText('label-output')).toBe(
      [
        '\t\ttype filter hook output priority security; policy accept;',
        '\t\tct state established,related meta secmark set ct secmark comment "markwright: restore persisted labels"',
        '\t\tmeta nfproto ipv4 udp dport 53 meta secmark set "dns_packet" comment "dns"',
      ].join('\n'),
    );
    // The mark half of the mixed rule still runs in the mangle chain.
    expect(chainText('output')).toContain('udp dport 53 meta mark set meta mark | 0x04000000 comment "dns"');
  });

  it('iptables: the security table with SECMARK --selctx and CONNSECMARK --save/--restore', () => {
    const text = emitIptablesRestore(compileIptablesRuleset(labelled([WEB]), { families: 4 }));
    const security = text.slice(text.indexOf('*security'));
    expect(security).toBe(
      [
        '*security',
        ':INPUT ACCEPT [0:0]',
        ':FORWARD ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':MARKWRIGHT-INPUT - [0:0]',
        ':MARKWRIGHT-FORWARD - [0:0]',
        ':MARKWRIGHT-OUTPUT - [0:0]',
        '-A INPUT -j MARKWRIGHT-INPUT',
        '-A FORWARD -j MARKWRIGHT-FORWARD',
        '-A OUTPUT -j MARKWRIGHT-OUTPUT',
        '-A MARKWRIGHT-INPUT -m comment --comment "markwright: restore persisted labels" -m conntrack --ctstate RELATED,ESTABLISHED -j CONNSECMARK --restore',
        `-A MARKWRIGHT-INPUT -p tcp -m comment --comment "web" -m tcp --dport 80 -j SECMARK --selctx ${HTTP}`,
        '-A MARKWRIGHT-INPUT -p tcp -m comment --comment "web" -m tcp --dport 80 -m conntrack --ctstate NEW -j CONNSECMARK --save',
        '-A MARKWRIGHT-FORWARD -m comment --comment "markwright: restore persisted labels" -m conntrack --ctstate RELATED,ESTABLISHED -j CONNSECMARK --restore',
        `-A MARKWRIGHT-FORWARD -p tcp -m comment --comment "web" -m tcp --dport 80 -j SECMARK --selctx ${HTTP}`,
        '-A MARKWRIGHT-FORWARD -p tcp -m comment --comment "web" -m tcp --dport 80 -m conntrack --ctstate NEW -j CONNSECMARK --save',
        '-A MARKWRIGHT-OUTPUT -m comment --comment "markwright: restore persisted labels" -m conntrack --ctstate RELATED,ESTABLISHED -j CONNSECMARK --restore',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('a label that does not persist is only set; a document without labels has no label chains', () => {
    const chains = compileDocument(labelled([WEB], false)).ruleset.tables[0]!.chains;
    expect(chains.find((c) => c.name === 'label-input')!.rules.map((r) => r.exprs.at(-1)!.kind)).toEqual([
      'secmarkSet',
    ]);
    const plain = labelled([{ name: 'b', match: {}, set: { bulk: 1 } }]);
    expect(compileDocument(plain).ruleset.tables[0]!.chains.map((c) => c.name)).toEqual([
      'prerouting',
      'output',
    ]);
    expect(compileIptablesRuleset(plain).tables.map((t) => t.name)).toEqual(['mangle', 'mangle']);
  });

  it('refuses a label set in postrouting, naming the rule', () => {
    expect(() => compileDocument(labelled([{ ...WEB, hook: 'postrouting' }]))).toThrow(
      /^policy\.rules\[0\]\.hook: .*security hooks/,
    );
  });
});
