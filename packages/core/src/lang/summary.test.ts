import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir, corpusSkip } from '@markwright/testkit';
import { describe, expect, it } from 'vitest';
import { parseRulesetFile } from './registry';
import { summarizeRuleset, summarizeRulesetFile } from './summary';

const tum = join(corpusDir('real'), 'diekmann__tum_net_2015-09-03.iptables-save');
const tumReason = corpusSkip('the 5,000-rule TUM ruleset', 'real');

const save = `*mangle
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:MINE - [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff
-I PREROUTING 1 -m mark --mark 0x0/0xff -j MARK --set-xmark 0x1/0xff
-A MINE -m u32 --u32 "0>>22&0x3C@12>>26&0x3C@0=0x50" -j ACCEPT
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`;

const nft = `table inet t {
  chain c {
    type filter hook prerouting priority 0; policy accept;
    meta mark 0x1 accept
    ct mark set meta mark
  }
}
`;

describe('ruleset summaries', () => {
  it('counts an iptables-save file as it reads it exactly as from its whole IR', () => {
    const streamed = summarizeRulesetFile(save);
    expect(streamed).toEqual(summarizeRuleset(parseRulesetFile(save).ruleset));
    expect(streamed).toEqual({
      tables: [
        { family: 'ip', name: 'mangle', origin: 'iptables', chains: 6, rules: 3 },
        { family: 'ip', name: 'filter', origin: 'iptables', chains: 3, rules: 1 },
      ],
      markRules: 3,
      opaque: 1,
      opaqueMark: 1,
    });
  });
  it('counts other kinds from their IR', () => {
    expect(summarizeRulesetFile(nft)).toEqual(summarizeRuleset(parseRulesetFile(nft).ruleset));
    expect(summarizeRulesetFile(nft).markRules).toBe(2);
  });
  it('reports a bad rule with its line, as parsing does', () => {
    const bad = save.replace('--dport 22', '--dport 99999');
    expect(() => summarizeRulesetFile(bad, { source: 'f' })).toThrow(/^f line 11, column \d+: /);
  });
  it.skipIf(tumReason)('counts the 5,000-rule TUM ruleset as its IR does', () => {
    const text = readFileSync(tum, 'utf8');
    const streamed = summarizeRulesetFile(text);
    expect(streamed).toEqual(summarizeRuleset(parseRulesetFile(text).ruleset));
    expect(streamed.tables.reduce((n, t) => n + t.rules, 0)).toBe(4973);
  });
});
