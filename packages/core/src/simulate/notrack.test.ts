import { describe, expect, it } from 'vitest';
import { parseIptablesSave } from '../lang/iptables/save';
import { parseNftText } from '../lang/nft/text';
import { box, labPacket } from '../testing/ir-builders';
import { simulate } from './simulate';

const nftBox = (raw: string) =>
  box(
    parseNftText(`table inet t {
  chain raw { type filter hook prerouting priority raw; ${raw} }
  chain mangle {
    type filter hook prerouting priority mangle;
    meta mark set ct mark and 0x80
    ct state untracked meta mark set meta mark or 0x1000
  }
}`).tables.slice(),
  );

describe('notrack', () => {
  it('leaves an untracked packet without a ct entry: a ct mark read breaks the nft rule', () => {
    const tracked = simulate(nftBox(''), [labPacket({ mark: 0x5 })]);
    expect(tracked.packets[0]!.mark).toBe(0);
    const untracked = simulate(nftBox('notrack'), [labPacket({ mark: 0x5 })], { trace: true });
    expect(untracked.packets[0]!.mark).toBe(0x1005);
    const steps = untracked.packets[0]!.steps;
    expect(steps).toContainEqual(
      expect.objectContaining({ kind: 'conntrack', state: 'untracked (notrack)' }),
    );
  });

  it('reads -j CT --notrack from iptables-save the same way; CONNMARK on an untracked packet does nothing', () => {
    const tables = parseIptablesSave(
      [
        '*raw',
        ':PREROUTING ACCEPT [0:0]',
        '-A PREROUTING -p udp -j CT --notrack',
        'COMMIT',
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        '-A PREROUTING -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
        '-A PREROUTING -m conntrack --ctstate UNTRACKED -j MARK --set-xmark 0x1000/0x1000',
        'COMMIT',
      ].join('\n'),
    ).tables.slice();
    const out = simulate(box(tables), [labPacket({ mark: 0x85 })]);
    expect(out.packets[0]!.mark).toBe(0x1085);
  });
});
