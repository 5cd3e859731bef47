import { describe, expect, it } from 'vitest';
import { emitNftText } from './print-text';
import { parseNftText } from './text';

describe('parseNftText: what admins write in /etc/nftables.conf', () => {
  const conf = `#!/usr/sbin/nft -f
flush ruleset
define WAN = "eth0"
define MARKS = { 0x1, 0x2 }

table inet mangle { # comment after a brace
	set seen {
		type mark
		flags interval
		elements = { 0x10-0x1f,
			     0x40 }
	}

	chain pre {
		type filter hook prerouting priority mangle + 5; policy accept;
		iifname $WAN meta mark $MARKS counter
	}
	chain out {
		type route hook output priority -150; policy accept
	}
	chain post { type filter hook postrouting priority srcnat - 10; }
}
add table ip nat
add chain ip nat post { type nat hook postrouting priority srcnat; policy accept; }
add rule ip nat post oifname "wan" masquerade
insert rule ip nat post meta mark 0x1 accept
add element inet mangle seen { 0x80 }
`;

  it('reads defines, priorities with offsets, commands and multi-line sets', () => {
    const rs = parseNftText(conf);
    const [mangle, nat] = rs.tables;
    expect(mangle!.chains.map((c) => [c.name, c.base?.priority, c.base?.type])).toEqual([
      ['pre', -145, 'filter'],
      ['out', -150, 'route'],
      ['post', 90, 'filter'],
    ]);
    expect(mangle!.chains[0]!.rules[0]!.exprs).toEqual([
      { kind: 'iface', dir: 'in', names: ['eth0'], invert: false },
      {
        kind: 'mark',
        key: { space: 'meta', mask: 0xffffffff, shift: 0 },
        values: {
          kind: 'ranges',
          ranges: [
            [1, 1],
            [2, 2],
          ],
        },
        invert: false,
      },
      { kind: 'counter' },
    ]);
    expect(mangle!.sets[0]!.elements).toEqual([
      { kind: 'range', range: [0x10, 0x1f] },
      { kind: 'range', range: [0x40, 0x40] },
      { kind: 'range', range: [0x80, 0x80] },
    ]);
    expect(nat!.chains[0]!.rules.map((r) => r.exprs.map((e) => e.kind))).toEqual([
      ['mark', 'verdict'],
      ['iface', 'nat'],
    ]);
  });

  it('prints as nft list does and reads its own output back', () => {
    const rs = parseNftText(conf);
    const text = emitNftText(rs);
    expect(text).toContain('\t\ttype filter hook prerouting priority mangle + 5; policy accept;\n');
    expect(text).toContain('\t\ttype filter hook postrouting priority srcnat - 10; policy accept;\n');
    expect(text).toContain(
      '\t\telements = { 0x00000010/28,\n\t\t\t     0x00000040,\n\t\t\t     0x00000080 }\n',
    );
    expect(text).toContain('\t\tiifname "eth0" meta mark { 0x00000001, 0x00000002 } counter\n');
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'source' ? undefined : v)));
    expect(strip(parseNftText(text))).toEqual(strip(rs));
  });

  it('names the line and column of a mistake', () => {
    expect(() => parseNftText('table ip t {\n\tchain c {\n\t\tmeta mark set\n\t}\n}\n')).toThrow(
      /nft line 3, column 16: expected an expression \(got "end of input"\)/,
    );
    expect(() =>
      parseNftText('table ip t {\n\tchain c {\n\t\ttype filter hook input priority nope;\n'),
    ).toThrow(/line 3, column 35: expected a priority/);
    expect(() => parseNftText('tabel ip t {}')).toThrow(/line 1, column 1: expected a command/);
  });
});
