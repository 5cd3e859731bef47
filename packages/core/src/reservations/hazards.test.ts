import { describe, expect, it } from 'vitest';
import { findHazards, iniValue } from './hazards';

const networkd = (version: number | null, ...texts: string[]) => ({
  version,
  running: true,
  configs: texts.map((text, i) => ({ path: `/etc/systemd/networkd.conf${i ? `.d/${i}.conf` : ''}`, text })),
});

describe('findHazards', () => {
  it('flags systemd-networkd 248+ unless ManageForeignRoutingPolicyRules=no, with the fix', () => {
    const [h] = findHazards({
      networkd: networkd(252, '[Network]\n#ManageForeignRoutingPolicyRules=yes\n'),
      nftablesConf: null,
    });
    expect(h).toMatchObject({ id: 'networkd-foreign-rules' });
    expect(h!.fix).toMatch(/ManageForeignRoutingPolicyRules=no/);
    expect(h!.evidence).toMatch(
      /systemd-networkd 252, running; ManageForeignRoutingPolicyRules=yes \(default\)/,
    );
    expect(
      findHazards({
        networkd: networkd(252, '[Network]\nManageForeignRoutingPolicyRules=no\n'),
        nftablesConf: null,
      }),
    ).toEqual([]);
    // A drop-in overrides the main file.
    expect(
      findHazards({
        networkd: networkd(
          252,
          '[Network]\nManageForeignRoutingPolicyRules=no\n',
          '[Network]\nManageForeignRoutingPolicyRules=yes\n',
        ),
        nftablesConf: null,
      }),
    ).toHaveLength(1);
    // Before 248 networkd left foreign rules alone.
    expect(findHazards({ networkd: networkd(247), nftablesConf: null })).toEqual([]);
    expect(findHazards({ networkd: null, nftablesConf: null })).toEqual([]);
  });

  it('flags an nftables.conf that starts with flush ruleset, after comments', () => {
    const conf = (text: string) => ({ networkd: null, nftablesConf: { path: '/etc/nftables.conf', text } });
    const [h] = findHazards(
      conf('#!/usr/sbin/nft -f\n\n# Debian default\nflush ruleset\n\ntable inet filter {\n}\n'),
    );
    expect(h).toMatchObject({ id: 'nftables-flush-ruleset', evidence: '/etc/nftables.conf: flush ruleset' });
    expect(h!.fix).toMatch(/After=nftables.service/);
    expect(
      findHazards(conf('table inet filter\ndelete table inet filter\ntable inet filter {\n}\n')),
    ).toEqual([]);
  });

  it('reads INI values per section, last one wins', () => {
    const files = [{ path: 'a', text: '[Network]\nA=1\n[Other]\nA=2\n[Network]\nA=3 \n' }];
    expect(iniValue(files, 'Network', 'A')).toBe('3');
    expect(iniValue(files, 'Other', 'A')).toBe('2');
    expect(iniValue(files, 'Network', 'B')).toBeUndefined();
  });
});
